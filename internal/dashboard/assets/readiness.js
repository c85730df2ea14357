// @ts-check
// Ready before it goes live: per cluster, the share of its published products
// whose readiness checklist is complete (summary at B1, every channel
// assessed, every "no" explained and reviewed, an answer, a UPL name, a test
// with residents; docs/readiness.md). Its own module, reading only the public
// GraphQL API (the `readinessByCluster` query). The figures are of today,
// whatever date the page shows.
import { el, scrollBox } from '/shared/dom.js';
import { gql, lang, num, pct } from './lib.js';

const TEXT = {
  nl: {
    title: 'Klaar om live te gaan (vandaag)',
    lead: 'Gepubliceerde producten waarvan de checklist rond is: samenvatting op B1-niveau, elk kanaal beoordeeld, elke "nee" met een nagekeken reden, een antwoord, een UPL-naam en een test met bewoners.',
    cluster: 'Cluster', ready: 'Klaar', published: 'Gepubliceerd', share: 'Aandeel klaar',
    table: 'Klaar om live te gaan per cluster',
    total: 'Alle clusters',
    failed: 'De cijfers over klaar om live te gaan konden niet worden geladen: ',
  },
  en: {
    title: 'Ready to go live (today)',
    lead: 'Published products whose checklist is complete: summary at B1 level, every channel assessed, every "no" with a reviewed reason, an answer, a UPL name and a test with residents.',
    cluster: 'Cluster', ready: 'Ready', published: 'Published', share: 'Share ready',
    table: 'Ready to go live by cluster',
    total: 'All clusters',
    failed: 'The readiness figures could not be loaded: ',
  },
};

const QUERY = `query Readiness {
  readinessByCluster { organization { code name } published ready share }
}`;

const section = document.getElementById('readiness');
let rows = null;
let failure = null;

function render() {
  const t = TEXT[lang()];
  const h = el('h2', { class: 'utrecht-heading-2', id: 'h-readiness' }, t.title);
  if (failure) {
    section.replaceChildren(h, el('p', { class: 'utrecht-paragraph' }, t.failed + failure));
    return;
  }
  const published = rows.reduce((n, r) => n + r.published, 0);
  const ready = rows.reduce((n, r) => n + r.ready, 0);
  const table = el('table', { id: 'readiness-table' },
    el('thead', {}, el('tr', {}, [t.cluster, t.ready, t.published, t.share].map((k) => el('th', { scope: 'col' }, k)))),
    el('tbody', {}, rows.map((r) => el('tr', { 'data-cluster': r.organization.code, 'data-ready': String(r.ready), 'data-published': String(r.published) },
      el('th', { scope: 'row' }, r.organization.name),
      el('td', { class: 'num' }, num(r.ready)), el('td', { class: 'num' }, num(r.published)),
      el('td', { class: 'num' }, pct(r.share))))),
    el('tfoot', {}, el('tr', {},
      el('th', { scope: 'row' }, t.total), el('td', { class: 'num' }, num(ready)), el('td', { class: 'num' }, num(published)),
      el('td', { class: 'num' }, published ? pct(ready / published) : '—'))));
  section.replaceChildren(h, el('p', { class: 'utrecht-paragraph' }, t.lead), scrollBox(t.table, table));
}

async function load() {
  try {
    rows = (await gql(QUERY)).readinessByCluster;
  } catch (err) {
    failure = err.message;
  }
  render();
  section.hidden = false;
  section.dataset.ready = 'true';
}

if (section) {
  // app.js switches the page's language on <html lang>; follow it.
  new MutationObserver(() => { if (rows || failure) render(); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  load();
}
