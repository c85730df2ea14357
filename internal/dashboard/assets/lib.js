// Small helpers the dashboard's modules share (the editor at /beheer takes
// el too): building HTML and SVG elements, and asking the public GraphQL API.

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) e.append(c.nodeType ? c : String(c));
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  // A chart never shrinks below its drawing's own width, so its 12 px
  // labels stay 12 px on a phone; its box (.chart) scrolls sideways instead.
  if (tag === 'svg' && attrs.viewBox) e.style.minWidth = `${attrs.viewBox.split(' ')[2]}px`;
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c.nodeType ? c : document.createTextNode(String(c)));
  return e;
}

// A wide table in a box of its own that scrolls sideways; the box can be
// focused, so keyboard users can scroll it too, and is named for screen
// readers.
export function scrollBox(label, ...children) {
  return el('div', { class: 'matrix-wrap', tabindex: '0', role: 'region', 'aria-label': label }, ...children);
}

export async function gql(query, variables = {}) {
  const res = await fetch('/graphql', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
  return body.data;
}

// The page's language, as the language toggle last set it on <html>.
export const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'nl');
const locale = () => (lang() === 'nl' ? 'nl-NL' : 'en-GB');

// A share as a percentage with one decimal; a dash for none.
export const pct = (r) => (r == null ? '—' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(r));

// A whole number with the language's grouping.
export const num = (n) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(n);

// A channel's name in the page's language.
export const channelName = (c) => (lang() === 'en' && c.nameEn ? c.nameEn : c.name);
