// @ts-check
// Small helpers the dashboard's modules share: asking the public GraphQL API
// and numbers and names in the page's language. Building elements is in
// /shared/dom.js, which the editor at /beheer uses too.

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
