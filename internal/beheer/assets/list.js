// @ts-check
// "Mijn producten": the products of the signed-in person's organization
// with the channels each still lacks, filtered and sorted.

import { $, channelName, date, fold, say, state, today, $field } from './state.js';
import { Q } from './queries.js';
import { el } from '/shared/dom.js';
import { fill } from './form.js';
import { letter, t } from './text.js';
import { read } from './api.js';
import { showOnly } from './session.js';

function gapsOf(p) {
  const by = new Map(p.availabilities.map((a) => [a.channel.code, a]));
  const now = today();
  let gaps = 0, overdue = 0;
  for (const c of state.channels) {
    const a = by.get(c.code);
    if (!a) { gaps++; continue; }
    if (a.status === 'AVAILABLE' || a.status === 'NOT_APPLICABLE') continue;
    gaps++;
    if (a.status === 'PLANNED' && a.plannedDate && a.plannedDate < now) overdue++;
  }
  return { gaps, overdue, by };
}

export async function openList() {
  showOnly('list');
  say(t('loading'));
  const owner = state.session.organization || null;
  const products = [];
  let after = null;
  let channels = [];
  for (;;) {
    const d = await read(Q.products, { owner, after });
    channels = d.channels;
    products.push(...d.products.edges.map((e) => e.node));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  state.products = products;
  state.channels = channels;
  state.due = (await read(Q.due, { owner })).productsDueForResidentTest;
  say('');
  renderFilters();
  renderList();
  renderDue();
}

// renderDue lists the owner's products due for a test with residents.
export function renderDue() {
  const due = state.due || [];
  $('due').replaceChildren(due.length ? el('ul', { id: 'due-list' }, due.map((d) => el('li', { 'data-slug': d.product.slug },
    el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(d.product.slug) }, d.product.name), ' — ',
    d.lastTested ? t('lastTested', date(d.lastTested)) : t('neverTested'))))
    : el('p', { class: 'utrecht-paragraph' }, t('noneDue')));
}

export function renderFilters() {
  fill('f-status', [['', t('all')], ...Object.entries(t('productStatuses'))]);
  const themes = [...new Set(state.products.map((p) => p.theme))].sort((a, b) => a.localeCompare(b, 'nl'));
  fill('f-theme', [['', t('all')], ...themes.map((th) => [th, th])]);
  fill('f-gap', [['', t('none')], ...state.channels.map((c) => [c.code, channelName(c)])]);
}

export function renderList() {
  if (!state.session || $('list').hidden) return;
  const status = $field('f-status').value, theme = $field('f-theme').value, gap = $field('f-gap').value;
  const words = fold($field('f-search').value).split(/\s+/).filter(Boolean);
  const rows = state.products.map((p) => ({ p, ...gapsOf(p) })).filter(({ p, by }) => {
    if (status && p.status !== status) return false;
    if (theme && p.theme !== theme) return false;
    if (gap) {
      const a = by.get(gap);
      if (a && (a.status === 'AVAILABLE' || a.status === 'NOT_APPLICABLE')) return false;
    }
    const hay = fold(p.name + ' ' + p.slug + ' ' + p.theme);
    return words.every((w) => hay.includes(w));
  });
  // Overdue plans first, then the most open gaps, then by name.
  rows.sort((a, b) => Number(b.overdue > 0) - Number(a.overdue > 0) || b.gaps - a.gaps || a.p.name.localeCompare(b.p.name, 'nl'));
  const count = $('list-count');
  count.textContent = t('count', rows.length, state.products.length);
  count.dataset.count = String(rows.length);
  const table = el('table', { class: 'matrix', id: 'products' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('product')), el('th', { scope: 'col' }, t('productStatus')),
      el('th', { scope: 'col' }, t('gaps')),
      state.channels.map((c) => el('th', { scope: 'col', title: channelName(c) }, c.code)))),
    el('tbody', {}, rows.map(({ p, gaps, overdue, by }) => el('tr', { 'data-slug': p.slug },
      el('th', { scope: 'row' }, el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(p.slug) }, p.name)),
      el('td', {}, el('span', { class: 'pill' }, t('productStatuses')[p.status])),
      el('td', {}, String(gaps), overdue ? el('span', { class: 'overdue' }, ` (${overdue} ${t('overdue')})`) : null),
      state.channels.map((c) => {
        const s = by.get(c.code)?.status || 'NOT_ASSESSED';
        const label = `${channelName(c)}: ${t('status')[s]}`;
        return el('td', { class: `cell s-${s}`, title: label, 'aria-label': label, 'data-channel': c.code, 'data-status': s }, letter(s));
      })))));
  $('matrix').replaceChildren(table);
}
