// @ts-check
// Building HTML and SVG elements: the helpers the dashboard (/dashboard) and
// the editor (/beheer) share. Package webassets serves this folder at
// /shared, and its tests check that every module's imports name a file
// served.

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
