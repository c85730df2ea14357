// @ts-check
// The dashboard's satisfaction section: the dissatisfied share per indicator
// against the college target, NPS per channel, digital take-up over time, and
// for one product its contacts per channel with the moments a channel became
// AVAILABLE. It reads only the public API (docs/dashboard-queries.md) and
// follows the page's language toggle.
import { el, svg, scrollBox } from '/shared/dom.js';
import { gql, lang, pct, num, channelName } from './lib.js';

const TEXT = {
  nl: {
    heading: 'Tevredenheid en kanaalgebruik',
    lead: 'Collegedoel: 30% minder Rotterdammers ontevreden over hun contact met de gemeente. Illustratieve cijfers in de voorbeelddata.',
    indicators: { GENERAL: 'Algemene tevredenheid', CLARITY: 'Duidelijkheid', FRIENDLINESS: 'Vriendelijkheid', TIMELINESS: 'Tijdigheid' },
    dissatisfied: 'ontevreden', target: 'doel', now: 'nu', onTrack: 'op koers', offTrack: 'niet op koers', reached: 'doel gehaald',
    nps: 'NPS per kanaal (laatste 12 maanden)', takeUp: 'Digitaal aangevraagd', productVolumes: 'Contacten per kanaal voor een product',
    product: 'Product', quarter: 'Kwartaal', share: 'Ontevreden', interval: '95%-interval', respondents: 'Respondenten',
    channel: 'Kanaal', score: 'NPS', month: 'Maand', takeUpCol: 'Digitaal aangevraagd', contacts: 'Contacten', opened: 'open',
    asTable: 'Als tabel', none: 'Geen metingen.',
    chartIndicator: (n, c, tg) => `Lijndiagram: aandeel ontevreden over ${n} per kwartaal; nu ${c}, doel ${tg}.`,
    chartNps: 'Staafdiagram van de NPS per kanaal; de tabel eronder geeft de getallen.',
    chartTakeUp: (a, b) => `Lijndiagram van het aandeel digitale aanvragen per maand, van ${a} tot ${b}.`,
    chartProduct: (p, n) => `Lijndiagram van de contacten per kanaal voor ${p}; ${n} kanalen gingen open in deze periode.`,
  },
  en: {
    heading: 'Satisfaction and channel use',
    lead: 'College target: 30% fewer residents dissatisfied with their contact with the city. Illustrative figures in the seed data.',
    indicators: { GENERAL: 'General satisfaction', CLARITY: 'Clarity', FRIENDLINESS: 'Friendliness', TIMELINESS: 'Timeliness' },
    dissatisfied: 'dissatisfied', target: 'target', now: 'now', onTrack: 'on track', offTrack: 'not on track', reached: 'target reached',
    nps: 'NPS by channel (last 12 months)', takeUp: 'Requested digitally', productVolumes: 'Contacts by channel for one product',
    product: 'Product', quarter: 'Quarter', share: 'Dissatisfied', interval: '95% interval', respondents: 'Respondents',
    channel: 'Channel', score: 'NPS', month: 'Month', takeUpCol: 'Requested digitally', contacts: 'Contacts', opened: 'opened',
    asTable: 'As a table', none: 'No measurements.',
    chartIndicator: (n, c, tg) => `Line chart: share dissatisfied with ${n} per quarter; now ${c}, target ${tg}.`,
    chartNps: 'Bar chart of NPS by channel; the table below gives the figures.',
    chartTakeUp: (a, b) => `Line chart of the share of requests made digitally per month, from ${a} to ${b}.`,
    chartProduct: (p, n) => `Line chart of contacts by channel for ${p}; ${n} channels opened in this period.`,
  },
};

const FROM = '2022-01-01';
const Q = {
  satisfaction: `query Satisfaction($from: Date!, $recent: Date!) {
    satisfaction(from: $from, interval: QUARTER) {
      points { start end respondents indicators { indicator share low high } }
      target { name baselineFrom baselineTo reduction deadline }
      progress { indicator baselineShare targetShare currentShare currentEnd expectedShare onTrack reached }
    }
    recent: satisfaction(from: $recent, interval: MONTH) { byChannel { channel { code name nameEn } respondents nps { score respondents } } }
    channelShift(from: $from, interval: MONTH) { points { start requests digitalRequests digitalTakeUp } }
  }`,
  products: `query Names($after: Cursor) {
    products(first: 200, after: $after, orderBy: {field: NAME, direction: ASC}) { pageInfo { hasNextPage endCursor } edges { node { slug name } } }
  }`,
  product: `query Volumes($from: Date!, $product: String!) {
    channelShift(from: $from, interval: MONTH, product: $product) {
      points { start channels { channel { code name nameEn } contacts } }
      openings { channel { code name nameEn } date }
    }
  }`,
};

const data = { report: null, names: [], product: 'verhuizing-doorgeven', volumes: null };
/**
 * The element with this id: the page's HTML (index.html) has every id the
 * script asks for. A form control's type is the caller's to say, for the
 * checker.
 * @param {string} id
 * @returns {HTMLElement}
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const t = (key, ...args) => {
  const v = TEXT[lang()][key];
  return typeof v === 'function' ? v(...args) : v;
};
const monthName = (s) => new Intl.DateTimeFormat(lang() === 'nl' ? 'nl-NL' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(s + 'T00:00:00Z'));
const quarterName = (s) => `${s.slice(0, 4)}-Q${Math.floor(Number(s.slice(5, 7)) / 3) + 1}`;
const ms = (s) => new Date(s + 'T00:00:00Z').getTime();

function table(head, rows) {
  return el('details', { class: 'table-view' }, el('summary', {}, t('asTable')), scrollBox(t('asTable'),
    el('table', {}, el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (i ? el('td', { class: 'num' }, c) : el('th', { scope: 'row' }, c)))))))));
}

// A time axis from the first point to the deadline (or the last point).
function axis(W, H, start, end, top = 0, bottom = 1) {
  const L = 44, R = 10, T = 10, B = 26;
  const x = (s) => L + ((ms(s) - ms(start)) / (ms(end) - ms(start))) * (W - L - R);
  const y = (v) => T + (1 - (v - bottom) / (top - bottom)) * (H - T - B);
  return { x, y, L, R, T, B };
}

function years(chart, a, H, start, end) {
  for (let year = Number(start.slice(0, 4)); year <= Number(end.slice(0, 4)); year++) {
    const s = `${year}-01-01`;
    if (ms(s) >= ms(start) && ms(s) <= ms(end)) {
      chart.append(svg('line', { x1: a.x(s), x2: a.x(s), y1: a.T, y2: H - a.B, class: 'grid' }));
      chart.append(svg('text', { x: a.x(s) + 2, y: H - 8 }, String(year)));
    }
  }
}

function renderIndicators() {
  const r = data.report.satisfaction;
  const pts = r.points.filter((p) => p.respondents > 0);
  const end = r.target ? r.target.deadline : (pts.length ? pts[pts.length - 1].end : FROM);
  const box = $('sat-indicators');
  if (!pts.length) {
    box.replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('none')));
    return;
  }
  box.replaceChildren(...r.points[0].indicators.map((first, i) => {
    const ind = first.indicator;
    const prog = r.progress.find((p) => p.indicator === ind);
    const values = pts.map((p) => p.indicators[i]);
    const top = Math.max(0.05, ...values.map((v) => v.high || 0), prog && prog.baselineShare ? prog.baselineShare * 1.2 : 0);
    const W = 340, H = 170, ceiling = Math.min(1, Math.ceil(top * 20) / 20);
    const a = axis(W, H, FROM, end, ceiling, 0);
    const label = t('chartIndicator', TEXT[lang()].indicators[ind], pct(prog && prog.currentShare), pct(prog && prog.targetShare));
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
    for (let g = 0; g <= 4; g++) {
      const v = (g / 4) * ceiling;
      chart.append(svg('line', { x1: a.L, x2: W - a.R, y1: a.y(v), y2: a.y(v), class: 'grid' }));
      chart.append(svg('text', { x: 2, y: a.y(v) + 4 }, pct(v)));
    }
    years(chart, a, H, FROM, end);
    // The 95% band, then the measured line.
    const band = pts.map((p, j) => `${j ? 'L' : 'M'}${a.x(p.start).toFixed(1)},${a.y(p.indicators[i].high).toFixed(1)}`).join(' ')
      + ' ' + [...pts].reverse().map((p) => `L${a.x(p.start).toFixed(1)},${a.y(p.indicators[i].low).toFixed(1)}`).join(' ') + ' Z';
    chart.append(svg('path', { d: band, class: 'sat-band' }));
    chart.append(svg('path', { d: pts.map((p, j) => `${j ? 'L' : 'M'}${a.x(p.start).toFixed(1)},${a.y(p.indicators[i].share).toFixed(1)}`).join(' '), class: 'trend-line' }));
    if (r.target && prog && prog.baselineShare != null) {
      const from = r.target.baselineTo;
      chart.append(svg('path', { d: `M${a.x(from)},${a.y(prog.baselineShare)} L${a.x(r.target.deadline)},${a.y(prog.targetShare)}`, class: 'trend-projection' }));
      chart.append(svg('line', { x1: a.L, x2: W - a.R, y1: a.y(prog.targetShare), y2: a.y(prog.targetShare), class: 'trend-target' }));
      chart.append(svg('text', { x: W - a.R - 40, y: a.y(prog.targetShare) - 4 }, t('target')));
    }
    const status = !prog || prog.onTrack == null ? '' : prog.reached ? t('reached') : prog.onTrack ? t('onTrack') : t('offTrack');
    return el('figure', { class: 'sat-indicator', 'data-indicator': ind, 'data-current': prog && prog.currentShare != null ? String(prog.currentShare) : '',
      'data-ontrack': prog && prog.onTrack != null ? String(prog.onTrack) : '' },
    el('figcaption', {}, el('strong', {}, TEXT[lang()].indicators[ind]), ' ',
      `${t('now')} ${pct(prog && prog.currentShare)} ${t('dissatisfied')} · ${t('target')} ${pct(prog && prog.targetShare)} · `,
      el('span', { class: prog && prog.onTrack ? 'on-track' : 'off-track' }, status)),
    chart,
    table([t('quarter'), t('share'), t('interval'), t('respondents')],
      pts.map((p) => [quarterName(p.start), pct(p.indicators[i].share), `${pct(p.indicators[i].low)} – ${pct(p.indicators[i].high)}`, num(p.respondents)])));
  }));
}

function renderNps() {
  const rows = data.report.recent.byChannel.filter((c) => c.nps.respondents > 0);
  const W = 720, rowH = 28, left = 200, mid = left + (W - left - 60) / 2, half = (W - left - 60) / 2;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${rows.length * rowH + 10}`, role: 'img', 'aria-label': t('chartNps') });
  chart.append(svg('line', { x1: mid, x2: mid, y1: 0, y2: rows.length * rowH + 10, class: 'grid' }));
  rows.forEach((r, i) => {
    const y = i * rowH + 5, s = r.nps.score;
    chart.append(svg('text', { x: 0, y: y + 17 }, channelName(r.channel)));
    const w = (Math.abs(s) / 100) * half;
    chart.append(svg('rect', { x: s < 0 ? mid - w : mid, y, width: w, height: rowH - 8, class: s < 0 ? 'nps-negative' : 'nps-positive' }));
    chart.append(svg('text', { x: W - 50, y: y + 17 }, num(s)));
  });
  $('sat-nps').replaceChildren(chart, table([t('channel'), t('score'), t('respondents')],
    rows.map((r) => [channelName(r.channel), num(r.nps.score), num(r.nps.respondents)])));
  $('sat-nps').dataset.channels = String(rows.length);
}

function renderTakeUp() {
  const pts = data.report.channelShift.points.filter((p) => p.digitalTakeUp != null);
  if (!pts.length) {
    $('sat-takeup').replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('none')));
    return;
  }
  const W = 720, H = 220, end = pts[pts.length - 1].start;
  const a = axis(W, H, pts[0].start, end, 1, 0);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chartTakeUp', monthName(pts[0].start), monthName(end)) });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: a.L, x2: W - a.R, y1: a.y(v), y2: a.y(v), class: 'grid' }));
    chart.append(svg('text', { x: 2, y: a.y(v) + 4 }, pct(v)));
  }
  years(chart, a, H, pts[0].start, end);
  chart.append(svg('path', { d: pts.map((p, j) => `${j ? 'L' : 'M'}${a.x(p.start).toFixed(1)},${a.y(p.digitalTakeUp).toFixed(1)}`).join(' '), class: 'trend-line' }));
  $('sat-takeup').replaceChildren(chart, table([t('month'), t('takeUpCol')], pts.map((p) => [monthName(p.start), pct(p.digitalTakeUp)])));
  $('sat-takeup').dataset.points = String(pts.length);
  $('sat-takeup').dataset.last = String(pts[pts.length - 1].digitalTakeUp);
}

const LINE_CLASSES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];

function renderProduct() {
  const v = data.volumes;
  const box = $('sat-product-chart');
  // From the first month with figures to the last: the current month has none yet.
  const all = v ? v.points : [];
  const filled = all.map((p) => p.channels.length > 0);
  const pts = all.slice(filled.indexOf(true), filled.lastIndexOf(true) + 1);
  const channels = [];
  for (const p of pts) for (const c of p.channels) if (!channels.some((k) => k.code === c.channel.code)) channels.push(c.channel);
  if (!channels.length) {
    box.replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('none')));
    box.dataset.openings = '0';
    return;
  }
  const W = 720, H = 260, start = pts[0].start, end = pts[pts.length - 1].start;
  const max = Math.max(1, ...pts.flatMap((p) => p.channels.map((c) => c.contacts)));
  const a = axis(W, H, start, end, max, 0);
  const name = (data.names.find((n) => n.slug === data.product) || { name: data.product }).name;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chartProduct', name, v.openings.length) });
  for (let g = 0; g <= 4; g++) {
    const val = (max * g) / 4;
    chart.append(svg('line', { x1: a.L, x2: W - a.R, y1: a.y(val), y2: a.y(val), class: 'grid' }));
    chart.append(svg('text', { x: 2, y: a.y(val) + 4 }, num(val)));
  }
  years(chart, a, H, start, end);
  channels.forEach((ch, i) => {
    const d = pts.map((p, j) => {
      const c = p.channels.find((k) => k.channel.code === ch.code);
      return `${j ? 'L' : 'M'}${a.x(p.start).toFixed(1)},${a.y(c ? c.contacts : 0).toFixed(1)}`;
    }).join(' ');
    chart.append(svg('path', { d, class: `volume-line ${LINE_CLASSES[i % LINE_CLASSES.length]}` }));
  });
  // Labels step down so that openings close together stay readable.
  v.openings.forEach((o, i) => {
    chart.append(svg('line', { x1: a.x(o.date), x2: a.x(o.date), y1: a.T, y2: H - a.B, class: 'opening', 'data-opening': o.channel.code }));
    const left = a.x(o.date) > W * 0.75;
    chart.append(svg('text', { x: a.x(o.date) + (left ? -3 : 3), y: a.T + 12 + (i % 5) * 13, class: 'opening-label',
      'text-anchor': left ? 'end' : 'start' }, `${channelName(o.channel)} ${t('opened')}`));
  });
  const legend = el('div', { class: 'legend' }, channels.map((ch, i) => el('span', { class: 'legend__item' },
    el('span', { class: `swatch line ${LINE_CLASSES[i % LINE_CLASSES.length]}`, 'aria-hidden': 'true' }), channelName(ch))));
  box.replaceChildren(legend, chart, table([t('month'), ...channels.map(channelName)],
    pts.map((p) => [monthName(p.start), ...channels.map((ch) => num((p.channels.find((k) => k.channel.code === ch.code) || { contacts: 0 }).contacts))])));
  box.dataset.openings = String(v.openings.length);
}

function renderTexts() {
  for (const node of document.querySelectorAll('[data-st]')) node.textContent = t(/** @type {HTMLElement} */ (node).dataset.st);
  const select = /** @type {HTMLSelectElement} */ ($('sat-product'));
  select.replaceChildren(...data.names.map((n) => el('option', { value: n.slug }, n.name)));
  select.value = data.product;
}

function renderAll() {
  renderTexts();
  renderIndicators();
  renderNps();
  renderTakeUp();
  renderProduct();
}

async function loadProduct() {
  data.volumes = (await gql(Q.product, { from: FROM, product: data.product })).channelShift;
}

async function main() {
  const section = $('satisfaction');
  try {
    const now = new Date();
    const recent = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1)).toISOString().slice(0, 10);
    const [report] = await Promise.all([gql(Q.satisfaction, { from: FROM, recent }), loadProduct()]);
    data.report = report;
    for (let after = null; ;) {
      const d = await gql(Q.products, { after });
      data.names.push(...d.products.edges.map((e) => e.node));
      if (!d.products.pageInfo.hasNextPage) break;
      after = d.products.pageInfo.endCursor;
    }
    if (!data.names.some((n) => n.slug === data.product) && data.names.length) data.product = data.names[0].slug;
    renderAll();
    $('sat-product').addEventListener('change', async () => {
      data.product = /** @type {HTMLSelectElement} */ ($('sat-product')).value;
      section.dataset.ready = 'false';
      await loadProduct();
      renderProduct();
      section.dataset.ready = 'true';
    });
    // The page's own toggle switches the language first; this section follows.
    $('lang').addEventListener('click', renderAll);
    section.dataset.ready = 'true';
  } catch (e) {
    $('sat-status').textContent = e.message;
  }
}

main();
