// @ts-check
// A product's page: its details, channels, answers and history, the B1
// check beside its texts, and the product as a subject of save.

import { $, channelName, date, say, state, today, $field } from './state.js';
import { M, Q } from './queries.js';
import { SignedOut, gql, read } from './api.js';
import { changeTable } from './changes.js';
import { clearErrors, closeConflict, save, send } from './saving.js';
import { fill } from './form.js';
import { el } from '/shared/dom.js';
import { fail, showOnly } from './session.js';
import { AUDIENCES, letter, t } from './text.js';
import { openCell } from './availability.js';
import { renderProductAnswers } from './answers.js';

export async function openProduct(slug) {
  showOnly('product');
  // data-slug tells which product the page shows once it is loaded.
  delete $('product').dataset.slug;
  closeConflict();
  state.fullHistory = false;
  state.cell = null;
  $('cell-form').hidden = true;
  $('publish-confirm').hidden = true;
  say(t('loading'));
  await loadProduct(slug);
  if (!stillShowing(slug)) return;
  say('');
  fillProductForm();
  rememberLoadedFields();
  $('product').dataset.slug = slug;
}

const stillShowing = (slug) => decodeURIComponent(location.hash.slice(1)) === 'product/' + slug;

// loadProduct reads the product, its channels and history. The newest change
// it shows marks what this page has seen: a conflict lists the ones after it.
async function loadProduct(slug, { keepSeen = false } = {}) {
  const d = await read(Q.product, { slug });
  // The owner may have moved on while this was loading; a late answer must
  // not paint another product over the one they look at now.
  if (!stillShowing(slug)) return d;
  if (!d.product) {
    state.product = null;
    $('h-product').textContent = slug;
    $('product-meta').textContent = t('notFound');
    for (const id of ['cells', 'history', 'product-answers']) $(id).replaceChildren();
    $('product-form').hidden = true;
    return d;
  }
  $('product-form').hidden = false;
  state.product = d.product;
  state.channels = d.channels;
  state.locations = d.locations;
  state.themes = d.themes;
  state.changes = d.changes.edges.map((e) => e.node);
  if (!keepSeen) state.seenChange = state.changes.length ? state.changes[0].id : null;
  renderProduct();
  return d;
}

export function renderProduct() {
  const p = state.product;
  if (!p) return;
  $('h-product').textContent = p.name;
  const meta = $('product-meta');
  meta.replaceChildren(el('span', { class: 'pill', id: 'product-status', 'data-status': p.status }, t('productStatuses')[p.status]),
    ` · ${t('owner')}: ${p.owner.name} · ${t('version')} `, el('span', { id: 'product-version' }, String(p.version)),
    onPlaceholder(p) ? null : ` · ${t('upl')}: ${p.uplEntry.name}`);
  // The published feed names the list's placeholder for a product without a
  // UPL name; the owner should know before a portal shows it.
  const upl = $('product-upl');
  upl.hidden = !onPlaceholder(p);
  upl.textContent = onPlaceholder(p) ? t('uplPlaceholder') : '';
  // The readiness checklist, from the API; its items are in Dutch, as the
  // B1 check's are.
  const rd = $('product-readiness');
  rd.dataset.ready = String(p.readiness.ready);
  rd.replaceChildren(el('p', {}, t(p.readiness.ready ? 'ready' : 'notReady')),
    ...(p.readiness.missing.length ? [el('ul', {}, ...p.readiness.missing.map((m) => el('li', {}, m)))] : []));
  $('product-publish').hidden = p.status === 'PUBLISHED';
  $('product-retire').hidden = p.status === 'RETIRED';
  const by = new Map(p.availabilities.map((a) => [a.channel.code, a]));
  const now = today();
  $('cells').replaceChildren(el('table', { id: 'cells-table' },
    el('thead', {}, el('tr', {}, [t('channel'), 'Status', t('plannedDate'), t('reasonShort'), t('lastReviewed'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, state.channels.map((c) => {
      const a = by.get(c.code);
      const s = a?.status || 'NOT_ASSESSED';
      return el('tr', { 'data-channel': c.code },
        el('th', { scope: 'row' }, channelName(c)),
        el('td', { 'data-status': s }, el('span', { class: `badge s-${s}` }, letter(s)), ' ', t('status')[s]),
        el('td', {}, a?.plannedDate ? date(a.plannedDate) : '', a?.status === 'PLANNED' && a.plannedDate < now ? el('span', { class: 'overdue' }, ` (${t('overdue')})`) : null),
        el('td', {}, a?.reason || ''),
        el('td', {}, a?.lastReviewed ? date(a.lastReviewed) : ''),
        el('td', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'edit-' + c.code,
          onclick: () => openCell(c.code) }, t('edit'), el('span', { class: 'visually-hidden' }, `: ${channelName(c)}`))));
    }))));
  renderProductAnswers();
  renderTests();
  renderHistory();
}

// ---- Ready to go live: publishing, tests with residents ----

// askPublish publishes a ready product at once; for one that is not ready it
// first shows what is missing and asks whether to publish anyway (force:
// the change log records what was missing).
export function askPublish() {
  const p = state.product;
  if (p.readiness.ready) {
    publish(false);
    return;
  }
  $('publish-missing').replaceChildren(...p.readiness.missing.map((m) => el('li', {}, m)));
  $('publish-confirm').hidden = false;
  $('publish-force').focus();
}

/** @param {boolean} force */
export async function publish(force) {
  $('publish-confirm').hidden = true;
  /** @type {{product: string, force?: boolean}} */
  const input = { product: state.product.slug };
  if (force) input.force = true;
  await save($('product-form'), { mutation: M.publishProduct, input }, PRODUCT);
}

const METHODS = ['INTERVIEW', 'USABILITY_TEST', 'SURVEY'];
const GROUPS = ['YOUNG_PEOPLE', 'LIMITED_DIGITAL_SKILLS', 'LANGUAGE_DIFFICULTY'];

// renderTests lists the product's tests with residents and keeps the form's
// choices in the page's language, leaving what the owner typed as it is.
function renderTests() {
  const tests = state.product.residentTests || [];
  $('tests-list').replaceChildren(tests.length ? el('table', { id: 'tests-table' },
    el('thead', {}, el('tr', {}, [t('testedOn'), t('method'), t('participants'), t('groups'), t('testChannel'), t('findings'), t('followUp'), '']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, tests.map((x) => el('tr', { 'data-test': x.id },
      el('td', {}, date(x.testedOn)), el('td', {}, t('methods')[x.method]), el('td', { class: 'num' }, String(x.participants)),
      el('td', {}, (x.groups || []).map((g) => t('groupNames')[g]).join(', ')),
      el('td', {}, x.channel ? channelName(x.channel) : t('wholeProduct')),
      el('td', {}, x.findings || ''),
      el('td', {}, (x.followUps || []).map((f) => `${f.action} (${f.owner}, ${date(f.due)})`).join('; ')),
      el('td', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'delete-test-' + x.id,
        onclick: () => deleteTest(x.id) }, t('deleteTest'), el('span', { class: 'visually-hidden' }, `: ${date(x.testedOn)}`)))))))
    : el('p', { class: 'utrecht-paragraph', id: 'no-tests' }, t('noTests')));
  fill('t-method', METHODS.map((m) => [m, t('methods')[m]]));
  fill('t-channel', [['', t('wholeProduct')], ...state.channels.map((c) => [c.code, channelName(c)])]);
  const checked = new Set([...document.querySelectorAll('#t-groups input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value));
  $('t-groups').replaceChildren(...GROUPS.map((g) => el('label', {},
    el('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', name: 'groups', value: g, checked: checked.has(g) }),
    t('groupNames')[g])));
}

/** @param {Event} ev */
export async function saveTest(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ ($('test-form'));
  clearErrors(form);
  say('');
  const v = (id) => $field(id).value.trim();
  /** @type {Record<string, any>} */
  const input = {
    product: state.product.slug, testedOn: v('t-testedOn'), method: v('t-method'), participants: Number(v('t-participants')) || 0,
    groups: [...document.querySelectorAll('#t-groups input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value),
  };
  if (v('t-findings')) input.findings = v('t-findings');
  if (v('t-channel')) input.channel = v('t-channel');
  if (v('t-action') || v('t-owner') || v('t-due')) input.followUps = [{ action: v('t-action'), owner: v('t-owner'), due: v('t-due') }];
  const d = await send(form, M.createResidentTest, { input });
  if (!d) return;
  form.reset();
  await loadProduct(state.product.slug);
  say(t('testSaved'), 'saved');
}

/** @param {string} id */
async function deleteTest(id) {
  const d = await send($('test-form'), M.deleteResidentTest, { id });
  if (!d) return;
  await loadProduct(state.product.slug);
  say(t('testDeleted'), 'saved');
}

const UPL_PLACEHOLDER = 'http://standaarden.overheid.nl/owms/terms/UPL-naam_nog_niet_beschikbaar';
const onPlaceholder = (p) => !p.uplEntry || p.uplEntry.uri === UPL_PLACEHOLDER;

// The history shows the newest ten changes until the owner asks for all.
function renderHistory() {
  const all = state.changes;
  if (!all.length) {
    $('history').replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('noHistory')));
    return;
  }
  const few = !state.fullHistory && all.length > 10;
  // replaceChildren writes null as the text "null": leave the button out instead.
  $('history').replaceChildren(changeTable(few ? all.slice(0, 10) : all, 'history-table'),
    ...(few ? [el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'history-all',
      onclick: () => { state.fullHistory = true; renderHistory(); } }, t('showAll', all.length))] : []));
}

// plainLanguage.MaxText on the server: longer texts are not sent.
const PLAIN_MAX = 5000;
const plainRuns = {};

// checkPlain asks the API's B1 check about a text field as the product owner
// types: 400 ms after the last key, and only the newest answer is shown.
export function checkPlain(id, now = false) {
  clearTimeout(plainRuns[id]?.timer);
  const run = { seq: (plainRuns[id]?.seq || 0) + 1 };
  plainRuns[id] = run;
  run.timer = setTimeout(async () => {
    const box = $(id + '-check');
    const text = $field(id).value.trim();
    if (!text) { box.replaceChildren(); delete box.dataset.b1; return; }
    if ([...text].length > PLAIN_MAX) { box.dataset.b1 = 'unknown'; box.replaceChildren(el('p', {}, t('plainTooLong', PLAIN_MAX))); return; }
    try {
      const r = await gql(Q.plain, { text });
      if (plainRuns[id] !== run) return; // an answer to older text
      if (r.errors.length) { box.dataset.b1 = 'unknown'; box.replaceChildren(el('p', {}, r.errors[0].message)); return; }
      const pl = r.data.plainLanguage;
      box.dataset.b1 = String(pl.b1);
      const advice = pl.reasons.slice(1);
      box.replaceChildren(el('p', {}, t(pl.b1 ? 'plainOk' : 'plainHard')),
        ...(advice.length ? [el('ul', {}, ...advice.map((a) => el('li', {}, a)))] : []));
    } catch (e) {
      if (e instanceof SignedOut) fail(e);
    }
  }, now ? 0 : 400);
}

function fillProductForm() {
  const p = state.product;
  if (!p) return;
  clearErrors($('product-form'));
  $field('p-name').value = p.name;
  $field('p-nameEn').value = p.nameEn || '';
  $field('p-summary').value = p.summary || '';
  $field('p-description').value = p.description || '';
  $field('p-keywords').value = (p.keywords || []).join(', ');
  checkPlain('p-summary', true);
  checkPlain('p-description', true);
  $field('p-theme').value = p.theme;
  $('themes').replaceChildren(...state.themes.map((th) => el('option', { value: th })));
  $('p-audiences').replaceChildren(...AUDIENCES.map((a) => el('label', {},
    el('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', name: 'audience', value: a, checked: p.audiences.includes(a) }),
    t('audienceNames')[a])));
}

export function productInput() {
  const p = state.product;
  const input = { product: p.slug };
  const now = {
    name: $field('p-name').value.trim(), nameEn: $field('p-nameEn').value.trim(), summary: $field('p-summary').value.trim(),
    description: $field('p-description').value.trim(), theme: $field('p-theme').value.trim(),
  };
  // Only what the owner changed is sent, so that redoing it after a conflict
  // leaves the other person's changes to other fields standing.
  const was = state.loadedFields || {};
  for (const [k, v] of Object.entries(now)) if (v !== (was[k] ?? '')) input[k] = v;
  const audiences = [...document.querySelectorAll('#p-audiences input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
  if (audiences.join() !== (was.audiences || []).join()) input.audiences = audiences;
  const keywords = $field('p-keywords').value.split(',').map((k) => k.trim()).filter(Boolean);
  if (keywords.join() !== (was.keywords || []).join()) input.keywords = keywords;
  return input;
}

function rememberLoadedFields() {
  const p = state.product;
  if (!p) return;
  state.loadedFields = { name: p.name, nameEn: p.nameEn || '', summary: p.summary || '', description: p.description || '', theme: p.theme, audiences: [...p.audiences], keywords: [...(p.keywords || [])] };
}

// A record whose saves carry the version the page last saw: the product on
// its page, or the answer in its form. Each says what its version is, what
// follows a save, what changed since the page read it, what dropping one's
// own change means, where the conflict box goes and in which words.
export const PRODUCT = {
  title: 'conflictTitle', lead: 'conflictLead',
  version: () => state.product.version,
  async saved(data, change) {
    await loadProduct(state.product.slug);
    // Only the product form's own save refills it: saving a channel must not
    // throw away the owner's unsaved edits of the product's fields.
    if (change.refill) {
      fillProductForm();
      rememberLoadedFields();
    }
  },
  async between() {
    const seen = state.seenChange;
    await loadProduct(state.product.slug, { keepSeen: true });
    const idx = state.changes.findIndex((c) => c.id === seen);
    return idx < 0 ? state.changes : state.changes.slice(0, idx);
  },
  // From here on, the page has seen the changes it just showed.
  seen() { state.seenChange = state.changes.length ? state.changes[0].id : null; },
  async dropped() {
    $('cell-form').hidden = true;
    await loadProduct(state.product.slug);
    fillProductForm();
    rememberLoadedFields();
  },
  place: (box) => $('product-meta').after(box),
  refusal: { forbidden: 'forbidden', notFound: 'notFound' },
};
