// @ts-check
// The coverage dashboard. It reads only the public GraphQL API, with the
// queries listed in docs/dashboard-queries.md, and draws its charts as SVG by
// hand: no libraries, no network beyond this server.

import { el, svg, scrollBox } from '/shared/dom.js';
import { gql, pct, num, channelName } from './lib.js';
import { follow } from './live.js';

const STATUSES = ['AVAILABLE', 'PARTIAL', 'PLANNED', 'UNAVAILABLE', 'NOT_ASSESSED', 'NOT_APPLICABLE'];
// Every status has a letter besides its colour, from its name in the page's
// language (English needs two letters to tell partial from planned).
const LETTERS = {
  nl: { AVAILABLE: 'B', PARTIAL: 'D', PLANNED: 'G', UNAVAILABLE: 'N', NOT_APPLICABLE: '–', NOT_ASSESSED: '?' },
  en: { AVAILABLE: 'A', PARTIAL: 'Pa', PLANNED: 'Pl', UNAVAILABLE: 'U', NOT_APPLICABLE: '–', NOT_ASSESSED: '?' },
};
const letter = (s) => LETTERS[state.lang][s];

const TEXT = {
  nl: {
    skip: 'Naar de inhoud', title: 'Dekking van de dienstverlening',
    lead: 'Kunnen Rotterdammers elk product en elke dienst aanvragen via het kanaal dat bij hen past?',
    asOf: 'Stand op', headline: 'Waar staan we?', groups: 'Voor wie is het bereikbaar?',
    groupsLead: 'Producten die via minstens één beschikbaar kanaal te regelen zijn, voor de groepen waar het plan extra aandacht voor vraagt.',
    channels: 'Per kanaal', asTable: 'Als tabel', trend: 'Voortgang sinds januari 2023', clusters: 'Per cluster',
    matrix: 'Alle producten en kanalen (vandaag)', cluster: 'Cluster', theme: 'Thema', audience: 'Doelgroep', search: 'Zoeken',
    close: 'Sluiten', gaps: 'Wat ontbreekt nog (vandaag)', naReview: '"Niet van toepassing": langst niet bekeken eerst',
    footer: 'Cijfers uit de openbare GraphQL-API van Catalogus.', api: 'API verkennen', accessibility: 'Toegankelijkheid',
    ratioLabel: (t) => `van de toepasbare kanalen beschikbaar (doel ${t})`,
    fully: (a, b) => `${a} van ${b}`, fullyLabel: 'producten volledig via alle passende kanalen',
    daysLabel: (d) => `dagen tot de deadline van ${d}`, passed: 'deadline verstreken',
    onTrack: 'Op koers', offTrack: 'Niet op koers',
    trackLabel: (d) => d ? `in dit tempo volledig op ${d}` : 'in dit tempo nooit volledig',
    met: 'het doel is gehaald',
    personalHelp: 'met persoonlijke hulp', otherLanguage: 'in een andere taal dan Nederlands',
    youth: 'via kanalen die jongeren gebruiken', digital: 'digitaal',
    ofProducts: (n) => `van ${n} producten`,
    status: { AVAILABLE: 'beschikbaar', PARTIAL: 'deels', PLANNED: 'gepland', UNAVAILABLE: 'niet beschikbaar', NOT_APPLICABLE: 'niet van toepassing', NOT_ASSESSED: 'niet beoordeeld' },
    channel: 'Kanaal', ratio: 'Dekking', available: 'Beschikbaar', applicable: 'Toepasbaar', month: 'Maand', target: 'doel',
    projection: 'verwachting', all: 'Alle', allClusters: 'Alle clusters', municipality: 'Gemeente', back: 'Terug naar alle clusters',
    products: 'Producten', product: 'Product', count: (a, b) => `${a} van ${b} producten`,
    drill: (n) => `${n}: afdelingen`, plannedDate: 'Gepland op', reason: 'Reden', lastReviewed: 'Laatst bekeken',
    overdue: 'te laat', dataGap: 'nog niet beoordeeld', gapsCount: (n) => `${n} cellen ontbreken nog.`,
    history: 'Geschiedenis', when: 'Wanneer', what: 'Wat', by: 'Door', howTo: 'Zo regelt u het',
    loading: 'Bezig met laden…', failed: 'De gegevens konden niet worden geladen: ',
    audiences: { RESIDENT: 'Inwoners', BUSINESS: 'Ondernemers', ORGANIZATION: 'Organisaties' },
    chartChannels: (s) => `Staafdiagram van de dekking per kanaal. ${s}`,
    chartTrend: (a, b) => `Lijndiagram van de dekking per maand, van ${a} tot ${b}; de tabel eronder geeft de getallen.`,
  },
  en: {
    skip: 'Skip to content', title: 'Service coverage',
    lead: 'Can residents request every product and service through the channel that suits them?',
    asOf: 'As of', headline: 'Where do we stand?', groups: 'Who can reach it?',
    groupsLead: 'Products that can be arranged through at least one available channel, for the groups the plan gives extra attention.',
    channels: 'By channel', asTable: 'As a table', trend: 'Progress since January 2023', clusters: 'By cluster',
    matrix: 'All products and channels (today)', cluster: 'Cluster', theme: 'Theme', audience: 'Audience', search: 'Search',
    close: 'Close', gaps: 'What is still missing (today)', naReview: '"Not applicable": longest unreviewed first',
    footer: "Figures from Catalogus's public GraphQL API.", api: 'Explore the API', accessibility: 'Accessibility (in Dutch)',
    ratioLabel: (t) => `of applicable channels available (target ${t})`,
    fully: (a, b) => `${a} of ${b}`, fullyLabel: 'products fully available on every fitting channel',
    daysLabel: (d) => `days to the deadline of ${d}`, passed: 'deadline passed',
    onTrack: 'On track', offTrack: 'Not on track',
    trackLabel: (d) => d ? `at this pace complete on ${d}` : 'at this pace never complete',
    met: 'the target is met',
    personalHelp: 'with personal help', otherLanguage: 'in a language other than Dutch',
    youth: 'through channels young people use', digital: 'digitally',
    ofProducts: (n) => `of ${n} products`,
    status: { AVAILABLE: 'available', PARTIAL: 'partial', PLANNED: 'planned', UNAVAILABLE: 'unavailable', NOT_APPLICABLE: 'not applicable', NOT_ASSESSED: 'not assessed' },
    channel: 'Channel', ratio: 'Coverage', available: 'Available', applicable: 'Applicable', month: 'Month', target: 'target',
    projection: 'projection', all: 'All', allClusters: 'All clusters', municipality: 'Municipality', back: 'Back to all clusters',
    products: 'Products', product: 'Product', count: (a, b) => `${a} of ${b} products`,
    drill: (n) => `${n}: departments`, plannedDate: 'Planned for', reason: 'Reason', lastReviewed: 'Last reviewed',
    overdue: 'overdue', dataGap: 'not assessed yet', gapsCount: (n) => `${n} cells are still missing.`,
    history: 'History', when: 'When', what: 'What', by: 'By', howTo: 'How to use it',
    loading: 'Loading…', failed: 'The figures could not be loaded: ',
    audiences: { RESIDENT: 'Residents', BUSINESS: 'Businesses', ORGANIZATION: 'Organizations' },
    chartChannels: (s) => `Bar chart of coverage by channel. ${s}`,
    chartTrend: (a, b) => `Line chart of coverage per month, from ${a} to ${b}; the table below gives the figures.`,
  },
};

// The queries: the same any other dashboard would send (docs/dashboard-queries.md).
// What the headline, the groups, the channels and the clusters show: asked
// for a day, and pushed as saves move it.
const FIGURES = `fragment Figures on CoverageReport {
      asOf products fullyCoveredProducts applicableCells availableCells ratio
      byChannel { channel { code name nameEn } applicable available partial planned unavailable notApplicable notAssessed ratio }
      byOrganization { organization { code name } products fullyCoveredProducts applicable available ratio }
      groups { personalHelp otherLanguage youth digital }
      target { name deadline share daysLeft }
      projection { pacePerWeek requiredPacePerWeek cellsToGo projectedCompletion onTrack }
    }`;
const Q = {
  coverage: `query Coverage($at: Time, $organization: String) {
    coverage(at: $at, organization: $organization) { ...Figures }
  }`,
  // The same figures, pushed after every save that moves them.
  live: `subscription Live { coverageChanged { ...Figures } }`,
  history: `query History($from: Time!) {
    coverageHistory(from: $from, interval: MONTH) { at ratio availableCells applicableCells }
  }`,
  catalogue: `query Catalogue { channels { code name nameEn } organizations { code name kind parent { code } } themes }`,
  products: `query Products($after: Cursor) {
    products(first: 200, after: $after, orderBy: {field: NAME, direction: ASC}) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { slug name theme audiences owner { code } availabilities { status channel { code } } } }
    }
  }`,
  gaps: `query Gaps {
    gaps(first: 50) { totalCount edges { node { product { slug name } channel { code name nameEn } status plannedDate overdue dataGap } } }
    notApplicableReview(first: 50) { totalCount edges { node { product { slug name } channel { code name nameEn } reason lastReviewed } } }
  }`,
  product: `query Product($slug: String!) {
    product(slug: $slug) {
      name summary owner { name }
      availabilities { status plannedDate reason url phone instructions processingTime costCents identification languages
        channel { code name nameEn } locations { name street city } }
    }
    changes(product: $slug, first: 20) { edges { node { at entity action channel { code name nameEn } organization { name } fields { field label labelEn: label(language: "en") oldText newText oldTextEn: oldText(language: "en") newTextEn: newText(language: "en") } } } }
  }`,
};

const state = { lang: 'nl', at: null, coverage: null, history: null, catalogue: null, products: [], gaps: null, drill: null };
/**
 * The element with this id: the page's HTML (index.html) has every id the
 * script asks for. A form control's type is the caller's to say, for the
 * checker.
 * @param {string} id
 * @returns {HTMLElement}
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const t = (key, ...args) => {
  const v = TEXT[state.lang][key];
  return typeof v === 'function' ? v(...args) : v;
};
const date = (s) => new Intl.DateTimeFormat(state.lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' })
  .format(new Date(s.length === 10 ? s + 'T12:00:00Z' : s));

// The end of the chosen day in Amsterdam (about: +01:00 / +02:00 do not matter at 23:59).
function atOf(day) {
  return day ? `${day}T23:59:59+01:00` : null;
}

async function loadCoverage() {
  const d = await gql(Q.coverage + FIGURES, { at: atOf(state.at), organization: state.drill });
  if (state.drill) {
    state.drillCoverage = d.coverage;
  } else {
    state.coverage = d.coverage;
    state.drillCoverage = null;
  }
}

async function loadToday() {
  const [cat, gaps] = await Promise.all([gql(Q.catalogue), gql(Q.gaps)]);
  state.catalogue = cat;
  state.gaps = gaps;
  state.products = [];
  let after = null;
  for (;;) {
    const d = await gql(Q.products, { after });
    state.products.push(...d.products.edges.map((e) => e.node));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  state.history = (await gql(Q.history, { from: '2023-01-01T00:00:00+01:00' })).coverageHistory;
}

function renderTexts() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(/** @type {HTMLElement} */ (node).dataset.t);
  const lang = $('lang');
  lang.textContent = state.lang === 'nl' ? 'English' : 'Nederlands';
  lang.lang = state.lang === 'nl' ? 'en' : 'nl';
}

function renderHeadline() {
  const c = state.coverage;
  const ratio = $('headline-ratio');
  ratio.textContent = pct(c.ratio);
  ratio.dataset.ratio = String(c.ratio);
  ratio.dataset.asof = c.asOf;
  $('headline-ratio-label').textContent = t('ratioLabel', c.target ? pct(c.target.share) : '—');
  $('headline-fully').textContent = t('fully', num(c.fullyCoveredProducts), num(c.products));
  if (c.target) {
    // The API's count (calendar days in Amsterdam, the deadline's day
    // included, today not), so the page, the API and `catalogus report` agree.
    const days = c.target.daysLeft;
    const daysEl = $('headline-days');
    daysEl.textContent = days >= 0 ? num(days) : '—';
    daysEl.dataset.days = String(days);
    $('headline-days-label').textContent = days >= 0 ? t('daysLabel', date(c.target.deadline)) : t('passed');
  }
  const p = c.projection;
  const track = $('headline-track');
  track.className = 'figure__value ' + (p && p.onTrack ? 'on-track' : 'off-track');
  track.textContent = p ? (p.onTrack ? t('onTrack') : t('offTrack')) : '—';
  $('headline-track-label').textContent = !p ? '' : p.cellsToGo === 0 ? t('met') : t('trackLabel', p.projectedCompletion ? date(p.projectedCompletion) : null);
  ratio.setAttribute('data-ready', '');
}

function renderGroups() {
  const c = state.coverage;
  $('groups').replaceChildren(...['personalHelp', 'otherLanguage', 'youth', 'digital'].map((g) =>
    el('div', { class: 'figure', 'data-group': g },
      el('span', { class: 'figure__value' }, num(c.groups[g])),
      el('span', { class: 'figure__label' }, `${t(g)} (${t('ofProducts', num(c.products))})`))));
}

function renderLegend() {
  $('legend').replaceChildren(...STATUSES.map((s) => el('span', { class: 'legend__item' },
    el('span', { class: `swatch s-${s}`, 'aria-hidden': 'true' }), `${letter(s)} ${TEXT[state.lang].status[s]}`)));
}

function renderChannels() {
  const rows = [...state.coverage.byChannel].sort((a, b) => b.ratio - a.ratio);
  const W = 720, rowH = 30, left = 190, right = 60, barW = W - left - right;
  const keys = { AVAILABLE: 'available', PARTIAL: 'partial', PLANNED: 'planned', UNAVAILABLE: 'unavailable', NOT_ASSESSED: 'notAssessed' };
  const summary = rows.map((r) => `${channelName(r.channel)} ${pct(r.ratio)}`).join(', ');
  const chart = svg('svg', { viewBox: `0 0 ${W} ${rows.length * rowH + 10}`, role: 'img', 'aria-label': t('chartChannels', summary) });
  rows.forEach((r, i) => {
    const y = i * rowH + 5;
    chart.append(svg('text', { x: 0, y: y + 18 }, channelName(r.channel)));
    let x = left;
    for (const [status, key] of Object.entries(keys)) {
      const w = r.applicable ? (r[key] / r.applicable) * barW : 0;
      if (w > 0) chart.append(svg('rect', { x, y, width: w, height: rowH - 8, class: `s-${status}`, stroke: '#000', 'stroke-width': 0.5 }));
      x += w;
    }
    chart.append(svg('text', { x: W - right + 6, y: y + 18 }, pct(r.ratio)));
  });
  $('channels-chart').replaceChildren(chart);
  const head = ['channel', 'ratio', 'available', 'applicable'].map((k) => el('th', { scope: 'col' }, t(k)));
  const statusHeads = ['PARTIAL', 'PLANNED', 'UNAVAILABLE', 'NOT_ASSESSED', 'NOT_APPLICABLE'].map((s) => el('th', { scope: 'col' }, TEXT[state.lang].status[s]));
  $('channels-table').replaceChildren(el('table', {},
    el('thead', {}, el('tr', {}, head, statusHeads)),
    el('tbody', {}, rows.map((r) => el('tr', {},
      el('th', { scope: 'row' }, channelName(r.channel)), el('td', { class: 'num' }, pct(r.ratio)),
      el('td', { class: 'num' }, num(r.available)), el('td', { class: 'num' }, num(r.applicable)),
      ['partial', 'planned', 'unavailable', 'notAssessed', 'notApplicable'].map((k) => el('td', { class: 'num' }, num(r[k]))))))));
}

function renderTrend() {
  const pts = state.history;
  if (!pts || !pts.length) return;
  const c = state.coverage;
  const W = 720, H = 280, L = 48, R = 16, T = 12, B = 36;
  const t0 = new Date(pts[0].at).getTime();
  const deadline = c.target ? new Date(c.target.deadline + 'T23:59:59+01:00').getTime() : new Date(pts[pts.length - 1].at).getTime();
  const t1 = Math.max(deadline, new Date(pts[pts.length - 1].at).getTime());
  const x = (ms) => L + ((ms - t0) / (t1 - t0)) * (W - L - R);
  const y = (r) => T + (1 - r) * (H - T - B);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': t('chartTrend', date(pts[0].at), date(pts[pts.length - 1].at)) });
  for (const r of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: L, x2: W - R, y1: y(r), y2: y(r), class: 'grid' }));
    chart.append(svg('text', { x: 4, y: y(r) + 4 }, pct(r)));
  }
  for (let year = 2023; year <= new Date(t1).getUTCFullYear(); year++) {
    const ms = Date.UTC(year, 0, 1);
    if (ms >= t0 && ms <= t1) chart.append(svg('text', { x: x(ms) - 12, y: H - 10 }, String(year)));
  }
  if (c.target) {
    chart.append(svg('line', { x1: L, x2: W - R, y1: y(c.target.share), y2: y(c.target.share), class: 'trend-target' }));
    chart.append(svg('text', { x: W - R - 60, y: y(c.target.share) + 16 }, t('target')));
  }
  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(new Date(p.at).getTime()).toFixed(1)},${y(p.ratio).toFixed(1)}`).join(' ');
  chart.append(svg('path', { d, class: 'trend-line' }));
  const last = pts[pts.length - 1];
  if (c.projection && c.target && last.applicableCells) {
    const weeks = (deadline - new Date(last.at).getTime()) / (7 * 86400000);
    if (weeks > 0) {
      const projected = Math.min(1, (last.availableCells + Math.max(0, c.projection.pacePerWeek) * weeks) / last.applicableCells);
      chart.append(svg('path', { d: `M${x(new Date(last.at).getTime())},${y(last.ratio)} L${x(deadline)},${y(projected)}`, class: 'trend-projection' }));
      chart.append(svg('text', { x: x(deadline) - 80, y: y(projected) - 6 }, t('projection')));
    }
  }
  $('trend-chart').replaceChildren(chart);
  $('trend-table').replaceChildren(el('table', {},
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('month')), el('th', { scope: 'col', class: 'num' }, t('ratio')),
      el('th', { scope: 'col', class: 'num' }, t('available')), el('th', { scope: 'col', class: 'num' }, t('applicable')))),
    el('tbody', {}, pts.map((p) => el('tr', {}, el('th', { scope: 'row' }, date(p.at)), el('td', { class: 'num' }, pct(p.ratio)),
      el('td', { class: 'num' }, num(p.availableCells)), el('td', { class: 'num' }, num(p.applicableCells)))))));
}

function renderClusters() {
  const c = state.drillCoverage || state.coverage;
  const path = $('clusters-path');
  path.replaceChildren();
  if (state.drill) {
    path.append(el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => drill(null) }, t('back')), ' ',
      t('drill', c.byOrganization.length ? (state.catalogue.organizations.find((o) => o.code === state.drill) || {}).name : state.drill));
  }
  const rows = [...c.byOrganization].sort((a, b) => b.ratio - a.ratio);
  $('clusters').replaceChildren(el('div', { class: 'bars' }, rows.map((r) => {
    const label = state.drill ? el('span', {}, r.organization.name)
      : el('button', { type: 'button', class: 'link-button', 'data-cluster': r.organization.code, onclick: () => drill(r.organization.code) }, r.organization.name);
    const bar = el('div', { class: 'bar', role: 'img', 'aria-label': `${r.organization.name}: ${pct(r.ratio)}` });
    const fill = el('div', { class: 'bar__fill' });
    fill.style.width = `${(r.ratio * 100).toFixed(1)}%`;
    bar.append(fill);
    return el('div', { class: 'bar-row' }, label, bar, el('span', {}, pct(r.ratio)));
  })));
}

async function drill(code) {
  state.drill = code;
  try {
    if (code) await loadCoverage();
    else state.drillCoverage = null;
    renderClusters();
  } catch (e) {
    showError(e);
  }
}

// The cluster an organization belongs to: the ancestor right below the municipality.
function clusterOf(code) {
  const byCode = new Map(state.catalogue.organizations.map((o) => [o.code, o]));
  let o = byCode.get(code);
  while (o && o.parent && byCode.get(o.parent.code) && byCode.get(o.parent.code).parent) o = byCode.get(o.parent.code);
  return o ? o.code : null;
}

function renderFilters() {
  const clusters = state.catalogue.organizations.filter((o) => o.kind === 'CLUSTER');
  const fill = (id, options, keep) => {
    const s = /** @type {HTMLSelectElement} */ ($(id));
    const value = keep ? s.value : '';
    s.replaceChildren(...options.map(([v, label]) => el('option', { value: v }, label)));
    s.value = value;
  };
  fill('f-cluster', [['', t('allClusters')], ...clusters.map((c) => [c.code, c.name])], true);
  fill('f-theme', [['', t('all')], ...state.catalogue.themes.map((th) => [th, th])], true);
  fill('f-audience', [['', t('all')], ...Object.entries(TEXT[state.lang].audiences)], true);
}

function renderMatrix() {
  const field = (/** @type {string} */ id) => /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id)).value;
  const cluster = field('f-cluster'), theme = field('f-theme'), audience = field('f-audience');
  const words = field('f-search').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/\s+/).filter(Boolean);
  const fold = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const channels = state.catalogue.channels;
  const shown = state.products.filter((p) => (!cluster || clusterOf(p.owner.code) === cluster) && (!theme || p.theme === theme)
    && (!audience || p.audiences.includes(audience)) && words.every((w) => fold(p.name).includes(w)));
  const count = $('matrix-count');
  count.textContent = t('count', num(shown.length), num(state.products.length));
  count.dataset.count = String(shown.length);
  const table = el('table', { class: 'matrix' },
    el('caption', { class: 'visually-hidden' }, t('matrix')),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('product')),
      channels.map((c) => el('th', { scope: 'col', title: channelName(c) }, c.code)))),
    el('tbody', {}, shown.map((p) => {
      const byChannel = new Map(p.availabilities.map((a) => [a.channel.code, a.status]));
      return el('tr', {},
        el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link-button', 'data-product': p.slug, onclick: () => openDetails(p.slug) }, p.name)),
        channels.map((c) => {
          const s = byChannel.get(c.code) || 'NOT_ASSESSED';
          const label = `${channelName(c)}: ${TEXT[state.lang].status[s]}`;
          return el('td', { class: `cell s-${s}`, title: label, 'aria-label': label }, letter(s));
        }));
    })));
  $('matrix').replaceChildren(table);
}

async function openDetails(slug) {
  try {
    const d = await gql(Q.product, { slug });
    const p = d.product;
    const section = $('details');
    section.hidden = false;
    $('h-details').textContent = p.name;
    const rows = p.availabilities.map((a) => {
      const how = [a.url && el('a', { class: 'utrecht-link', href: a.url, rel: 'noopener' }, a.url), a.phone, a.instructions,
        a.locations.length ? a.locations.map((l) => l.name).join(', ') : null, a.processingTime,
        a.costCents != null ? `€ ${(a.costCents / 100).toFixed(2).replace('.', state.lang === 'nl' ? ',' : '.')}` : null]
        .filter(Boolean).flatMap((x, i) => i ? [' · ', x] : [x]);
      return el('tr', {}, el('th', { scope: 'row' }, channelName(a.channel)),
        el('td', {}, el('span', { class: `badge s-${a.status}` }, letter(a.status)), ' ', TEXT[state.lang].status[a.status]),
        el('td', {}, a.plannedDate ? date(a.plannedDate) : ''), el('td', {}, a.reason || ''), el('td', {}, how));
    });
    const history = d.changes.edges.map(({ node: c }) => el('tr', {}, el('td', {}, date(c.at)),
      el('td', {}, [c.channel ? channelName(c.channel) + ': ' : '', c.fields.filter((f) => !['productId', 'channelId', 'municipalityId'].includes(f.field))
        .map((f) => state.lang === 'en' ? `${f.labelEn}: ${f.oldTextEn ?? '—'} → ${f.newTextEn ?? '—'}` : `${f.label}: ${f.oldText ?? '—'} → ${f.newText ?? '—'}`).join('; ')]),
      el('td', {}, c.organization ? c.organization.name : '')));
    $('details-body').replaceChildren(
      el('p', { class: 'utrecht-paragraph' }, p.summary), el('p', { class: 'utrecht-paragraph' }, p.owner.name),
      scrollBox(p.name, el('table', {}, el('thead', {}, el('tr', {}, [t('channel'), 'Status', t('plannedDate'), t('reason'), t('howTo')]
        .map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows))),
      el('h3', { class: 'utrecht-heading-3' }, t('history')),
      scrollBox(`${p.name}: ${t('history')}`, el('table', {}, el('thead', {}, el('tr', {}, [t('when'), t('what'), t('by')].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, history))));
    section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    $('details-close').focus();
  } catch (e) {
    showError(e);
  }
}

function renderGaps() {
  const g = state.gaps;
  $('gaps-count').textContent = t('gapsCount', num(g.gaps.totalCount));
  $('gaps').replaceChildren(el('table', {},
    el('thead', {}, el('tr', {}, [t('product'), t('channel'), 'Status', t('plannedDate')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, g.gaps.edges.map(({ node: n }) => el('tr', {},
      el('td', {}, el('button', { type: 'button', class: 'link-button', onclick: () => openDetails(n.product.slug) }, n.product.name)),
      el('td', {}, channelName(n.channel)),
      el('td', {}, el('span', { class: `badge s-${n.status}` }, letter(n.status)), ' ', TEXT[state.lang].status[n.status],
        n.overdue ? el('span', { class: 'overdue' }, ` (${t('overdue')})`) : null),
      el('td', {}, n.plannedDate ? date(n.plannedDate) : ''))))));
  $('na-review').replaceChildren(el('table', {},
    el('thead', {}, el('tr', {}, [t('product'), t('channel'), t('reason'), t('lastReviewed')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, g.notApplicableReview.edges.map(({ node: n }) => el('tr', {},
      el('td', {}, n.product.name), el('td', {}, channelName(n.channel)), el('td', {}, n.reason || ''),
      el('td', {}, n.lastReviewed ? date(n.lastReviewed) : ''))))));
}

function renderFigures() {
  renderHeadline();
  renderGroups();
  renderLegend();
  renderChannels();
  renderTrend();
  renderClusters();
}

function renderAll() {
  renderTexts();
  renderFigures();
  renderFilters();
  renderMatrix();
  renderGaps();
}

function showError(e) {
  $('status').textContent = t('failed') + e.message;
}

async function refreshFigures() {
  $('status').textContent = t('loading');
  state.drill = null;
  await loadCoverage();
  renderFigures();
  $('status').textContent = '';
}

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.get('lang') === 'en') state.lang = 'en';
  renderTexts();
  $('status').textContent = t('loading');
  const at = /** @type {HTMLInputElement} */ ($('at'));
  at.max = new Date().toISOString().slice(0, 10);
  at.addEventListener('change', () => {
    state.at = at.value || null;
    refreshFigures().catch(showError);
  });
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    renderAll();
  });
  for (const id of ['f-cluster', 'f-theme', 'f-audience']) $(id).addEventListener('change', renderMatrix);
  $('f-search').addEventListener('input', renderMatrix);
  $('details-close').addEventListener('click', () => { $('details').hidden = true; });
  try {
    await Promise.all([loadCoverage(), loadToday()]);
    renderAll();
    $('status').textContent = '';
    document.body.dataset.ready = 'true';
  } catch (e) {
    showError(e);
    return;
  }
  // Today's figures follow the saves as they happen; a chosen past day
  // stands still.
  follow(Q.live + FIGURES, {}, (d) => {
    state.coverage = d.coverageChanged;
    if (!state.at && !state.drill) renderFigures();
  }, {
    poll: () => { if (!state.at && !state.drill) refreshFigures().catch(showError); },
  });
}

main();
