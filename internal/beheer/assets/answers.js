// @ts-check
// The answer base: look-up, writing and reviewing answers, every channel's
// wording beside the main answer.

import { $, channelName, date, say, state, $field, $input, $select } from './state.js';
import { M } from './queries.js';
import { clearErrors, closeConflict, save, send, showErrors } from './saving.js';
import { el } from '/shared/dom.js';
import { field, fill, select, textarea, textbox, words } from './form.js';
import { gql, read } from './api.js';
import { showOnly } from './session.js';
import { t } from './text.js';

// The channels, organizations and products the answer forms offer, read once.
export async function loadRefs() {
  if (state.refs) return state.refs;
  const products = [];
  let after = null;
  let d;
  for (;;) {
    d = await read(`query Refs($after: Cursor) {
      channels { code name nameEn }
      organizations { code name }
      products(first: 200, after: $after, orderBy: {field: NAME, direction: ASC}) { pageInfo { hasNextPage endCursor } edges { node { slug name } } }
    }`, { after });
    products.push(...d.products.edges.map((e) => e.node));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  state.refs = { channels: d.channels, organizations: d.organizations, products };
  return state.refs;
}

export function renderAnswerFilters() {
  if (!state.refs) return;
  fill('q-channel', [['', t('allChannels')], ...state.refs.channels.map((c) => [c.code, channelName(c)])]);
}

export async function openAnswers() {
  showOnly('answers');
  say(t('loading'));
  await loadRefs();
  renderAnswerFilters();
  const h = decodeURIComponent(location.hash.slice(1));
  if (h.startsWith('antwoorden/')) {
    const d = await read('query One($id: ID!) { node(id: $id) { ... on Answer { ...A } } }', { id: h.slice('antwoorden/'.length) });
    if (d.node) openAnswerForm(d.node);
  }
  await searchAnswers();
  say('');
}

// searchAnswers asks the API and shows the hits in its order: best match first.
export async function searchAnswers() {
  const search = $field('q-search').value.trim();
  const channel = $field('q-channel').value;
  const r = await gql(`query Look($search: String, $channel: String) {
    answers(search: $search, channel: $channel, first: 20) { totalCount edges { channelText variant { channel } node { ...A } } }
  }`, { search: search || null, channel: channel || null });
  if (r.errors.length) {
    state.hits = [];
    state.hitTotal = 0;
    $('answer-results').replaceChildren();
    $('answer-count').textContent = r.errors[0].extensions?.code === 'BAD_USER_INPUT' ? t('searchWords') : r.errors[0].message;
    return;
  }
  state.hits = r.data.answers.edges;
  state.hitTotal = r.data.answers.totalCount;
  state.hitChannel = channel;
  state.hitSearch = search;
  renderAnswers();
}

export function renderAnswers() {
  if (!state.hits) return;
  const count = $('answer-count');
  count.textContent = state.hits.length ? t('found', state.hitTotal) : t('noneFound');
  count.dataset.count = String(state.hitTotal);
  // What the results were asked with, for whoever waits for them (the tests).
  $('answer-results').dataset.search = state.hitSearch;
  $('answer-results').dataset.channel = state.hitChannel;
  $('answer-results').replaceChildren(...state.hits.map((h) => el('li', {}, answerCard(h.node, { chosen: state.hitChannel, editable: true }))));
}

const allChannels = () => state.refs?.channels || state.channels || [];

// answerCard shows an answer with its main text and, beside it, every
// channel's wording: the channel's variant, or a note that it uses the main
// answer. The channel asked for, if any, is marked.
function answerCard(a, { chosen = '', editable = false } = {}) {
  const channels = allChannels();
  const known = new Set(channels.map((c) => c.code));
  const by = new Map((a.variants || []).map((v) => [v.channel, v.text]));
  const rows = [...channels.map((c) => [c.code, channelName(c)]),
    ...(a.variants || []).filter((v) => !known.has(v.channel)).map((v) => [v.channel, v.channel])];
  return el('article', { class: 'answer-card', 'data-id': a.id },
    el('h3', { class: 'utrecht-heading-3' }, a.question),
    el('p', { class: 'answer-meta' },
      el('span', { class: 'pill vis-' + a.visibility, 'data-visibility': a.visibility }, t('visibilities')[a.visibility]), ' ',
      el('span', { class: 'pill', 'data-status': a.status }, t('answerStatuses')[a.status]), ' ',
      a.status === 'PUBLISHED' ? el('span', { class: a.current ? 'saved' : 'overdue' }, a.current ? t('current') : t('notCurrent')) : null,
      ` · ${t('reviewDue')}: `, el('span', { class: 'review-due', 'data-date': a.reviewDue }, date(a.reviewDue)),
      ` · ${t('owner')}: ${a.owner.name}`,
      a.products?.length ? [` · ${t('forProducts')}: `, a.products.map((p, i) => [i ? ', ' : '',
        el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(p.slug) }, p.name)])] : null),
    el('div', { class: 'answer-body' },
      el('section', { class: 'answer-main' }, el('h4', { class: 'utrecht-heading-4' }, t('mainAnswer')),
        el('p', { class: 'utrecht-paragraph answer-text' }, a.text)),
      el('section', { class: 'answer-variants' }, el('h4', { class: 'utrecht-heading-4' }, t('variantsTitle')),
        // The channels with their own wording (and the one asked for) each
        // get a block; the others are named on one line, so that the
        // wordings that differ stand out.
        el('dl', {}, rows.filter(([code]) => by.has(code) || code === chosen).map(([code, name]) => el('div',
          { class: 'variant' + (code === chosen ? ' chosen' : ''), 'data-variant': code, 'data-own': by.has(code) ? 'true' : 'false' },
          el('dt', {}, name),
          el('dd', {}, by.has(code) ? by.get(code) : el('em', {}, t('usesMain')))))),
        rows.some(([code]) => !by.has(code) && code !== chosen) ? el('p', { class: 'uses-main' },
          `${t('usesMainList')}: `, rows.filter(([code]) => !by.has(code) && code !== chosen).map(([code, name], i) => [i ? ', ' : '',
            el('span', { 'data-variant': code, 'data-own': 'false' }, name)])) : null)),
    editable ? el('p', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'edit-answer-' + a.id,
      onclick: () => openAnswerForm(a) }, t('edit'))) : null);
}

export function renderProductAnswers() {
  const list = state.product?.answers || [];
  $('product-answers').replaceChildren(list.length
    ? el('ul', { class: 'answers', id: 'product-answer-list' }, list.map((a) => el('li', {}, answerCard(a),
      el('p', {}, el('a', { class: 'utrecht-link', href: '#antwoorden/' + encodeURIComponent(a.id) }, t('editAnswer'))))))
    : el('p', { class: 'utrecht-paragraph' }, t('noAnswers')));
}

// openAnswerForm writes a new answer (a = null) or changes one. Only editors
// of the owning organization may; the API says so when not.
export function openAnswerForm(a) {
  $('callback-filer').replaceChildren();
  // The answer as this form shows it: its version goes with every save.
  state.answer = a;
  state.pending = null;
  closeConflict();
  const refs = state.refs;
  const mine = state.session.organization;
  const variants = new Map((a?.variants || []).map((v) => [v.channel, v.text]));
  const form = el('form', { class: 'card form', id: 'answer-form', novalidate: true, 'data-id': a?.id || '', 'data-version': a?.version || '' },
    el('h3', { class: 'utrecht-heading-3' }, a ? t('editAnswer') : t('newAnswer')),
    el('div', { class: 'form-grid' },
      field('question', t('answerQuestion'), textarea('ae-question', a?.question, 2), true),
      field('text', t('answerText'), textarea('ae-text', a?.text, 4), true),
      el('fieldset', { class: 'utrecht-form-fieldset wide' },
        el('legend', { class: 'utrecht-form-fieldset__legend' }, t('variantsTitle')),
        el('p', { class: 'utrecht-paragraph' }, t('variantsLead')),
        el('div', { class: 'form-grid' }, refs.channels.map((c) => field('variant-' + c.code, channelName(c),
          textarea('ae-v-' + c.code, variants.get(c.code) || '', 2))))),
      field('visibility', t('visibility'), select('ae-visibility', Object.entries(t('visibilities')), a?.visibility || 'PUBLIC')),
      a ? null : field('status', t('productStatus'), select('ae-status', [['DRAFT', t('answerStatuses').DRAFT], ['PUBLISHED', t('answerStatuses').PUBLISHED]], 'DRAFT')),
      field('owner', t('owner'), select('ae-owner', refs.organizations.map((o) => [o.code, o.name]), a?.owner.code || mine || refs.organizations[0]?.code)),
      field('reviewIntervalDays', t('reviewInterval'), textbox('ae-interval', String(a?.reviewIntervalDays || 365), { inputmode: 'numeric' })),
      field('keywords', t('answerKeywords'), textbox('ae-keywords', (a?.keywords || []).join(', ')), true),
      field('products', t('products'), select('ae-products', refs.products.map((p) => [p.slug, p.name]), (a?.products || []).map((p) => p.slug),
        { multiple: true, size: 6 }), true),
      a ? el('div', { class: 'utrecht-form-field checkbox', 'data-field': 'reviewed' },
        el('input', { type: 'checkbox', id: 'ae-reviewed', class: 'utrecht-checkbox utrecht-checkbox--html-input' }),
        el('label', { class: 'utrecht-form-label utrecht-form-label--checkbox', for: 'ae-reviewed' }, t('markReviewed'))) : null),
    el('p', { class: 'form-error', id: 'answer-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'answer-save' }, t('save')),
      a ? [
        el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-reviewed',
          onclick: () => saveAnswer(form, a, { id: a.id, reviewed: true }) }, t('markReviewed')),
        a.status !== 'PUBLISHED' ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-publish',
          onclick: () => saveAnswer(form, a, { id: a.id, status: 'PUBLISHED' }) }, t('publish')) : null,
        a.status !== 'ARCHIVED' ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-archive',
          onclick: () => saveAnswer(form, a, { id: a.id, status: 'ARCHIVED' }) }, t('archive')) : null] : null,
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = answerInput(form, a);
    if (input) saveAnswer(form, a, input);
  });
  $('answer-editor').replaceChildren(form);
  form.scrollIntoView();
  $('ae-question').focus();
}

// answerInput reads the form; variants go in the channels' order, only
// those with a text, so that variants[i] in an error names a channel.
function answerInput(form, a) {
  clearErrors(form);
  const interval = $field('ae-interval').value.trim();
  const days = Number(interval);
  if (interval !== '' && (!Number.isInteger(days) || days < 1)) {
    showErrors(form, [{ field: 'reviewIntervalDays', reason: 'format', message: 'a whole number of days' }]);
    return null;
  }
  const input = {
    question: $field('ae-question').value.trim(), text: $field('ae-text').value.trim(),
    variants: state.refs.channels.map((c) => ({ channel: c.code, text: $field('ae-v-' + c.code).value.trim() })).filter((v) => v.text),
    visibility: $field('ae-visibility').value, keywords: words($field('ae-keywords').value),
    products: [...$select('ae-products').selectedOptions].map((o) => o.value).sort(),
    reviewIntervalDays: interval === '' ? null : days,
  };
  if (!a) return { ...input, owner: $field('ae-owner').value, status: $field('ae-status').value };
  // Only what the editor changed is sent, so that redoing it after a
  // conflict leaves a colleague's changes to other fields standing.
  const was = answerFields(a);
  const changed = { id: a.id };
  for (const [k, v] of Object.entries(input)) if (JSON.stringify(v) !== JSON.stringify(was[k])) changed[k] = v;
  if ($field('ae-owner').value !== a.owner.code) changed.owner = $field('ae-owner').value;
  if ($input('ae-reviewed').checked) changed.reviewed = true;
  return changed;
}

// answerFields is an answer as answerInput reads the form, to compare with.
function answerFields(a) {
  const order = state.refs.channels.map((c) => c.code);
  const at = (code) => (order.includes(code) ? order.indexOf(code) : order.length);
  return {
    question: a.question, text: a.text,
    variants: (a.variants || []).map((v) => ({ channel: v.channel, text: v.text })).sort((x, y) => at(x.channel) - at(y.channel)),
    visibility: a.visibility, keywords: a.keywords || [], products: (a.products || []).map((p) => p.slug).sort(),
    reviewIntervalDays: a.reviewIntervalDays,
  };
}

// The answer's fields for people, in the conflict box.
const ANSWER_FIELDS = {
  nl: { question: 'Vraag', text: 'Antwoord', visibility: 'Zichtbaarheid', status: 'Status', keywords: 'Trefwoorden',
    reviewIntervalDays: 'Herzien na (dagen)', lastReviewed: 'Laatst bekeken', owner: 'Eigenaar', products: 'Producten' },
  en: { question: 'Question', text: 'Answer', visibility: 'Visibility', status: 'Status', keywords: 'Keywords',
    reviewIntervalDays: 'Review after (days)', lastReviewed: 'Last reviewed', owner: 'Owner', products: 'Products' },
};

// answerChanges lists what differs between two states of an answer in the
// shape the history's fields have (a label and the values in words), for the
// conflict box.
function answerChanges(was, now) {
  const fields = [];
  const words = { visibility: t('visibilities'), status: t('answerStatuses') };
  const text = (field, v) => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return null;
    if (Array.isArray(v)) return v.join(', ');
    if (field === 'lastReviewed') return date(v);
    return words[field]?.[v] ?? String(v);
  };
  const add = (field, old, neu) => {
    if (JSON.stringify(old) === JSON.stringify(neu)) return;
    const label = ANSWER_FIELDS[state.lang][field] || field;
    const o = text(field, old), n = text(field, neu);
    fields.push({ field, label, labelEn: label, oldText: o, newText: n, oldTextEn: o, newTextEn: n });
  };
  const a = answerFields(was), b = answerFields(now);
  for (const k of ['question', 'text', 'visibility', 'status', 'keywords', 'reviewIntervalDays', 'lastReviewed']) add(k, k in a ? a[k] : was[k], k in b ? b[k] : now[k]);
  add('owner', was.owner.name, now.owner.name);
  add('products', (was.products || []).map((p) => p.name), (now.products || []).map((p) => p.name));
  const by = (x) => new Map(x.variants.map((v) => [v.channel, v.text]));
  const va = by(a), vb = by(b);
  for (const c of allChannels()) add(`${t('variantsTitle')}: ${channelName(c)}`, va.get(c.code), vb.get(c.code));
  return fields;
}

// The answer open in its form (see PRODUCT).
const ANSWER = {
  title: 'conflictTitleAnswer', lead: 'conflictLeadAnswer',
  version: () => state.answer.version,
  async saved(data) {
    openAnswerForm(data.updateAnswer);
    $('answer-form').dataset.saved = 'true';
    await searchAnswers();
  },
  // The answer as a colleague saved it, compared with the one this form
  // was opened with; the form keeps what the editor typed.
  async between() {
    const d = await read('query One($id: ID!) { node(id: $id) { ... on Answer { ...A } } }', { id: state.answer.id });
    if (!d.node) return [];
    const was = state.answer;
    state.answer = d.node;
    return [{ id: 'answer-' + d.node.version, at: d.node.updatedAt, fields: answerChanges(was, d.node) }];
  },
  seen() {},
  async dropped() { openAnswerForm(state.answer); },
  place: (box) => $('answer-editor').before(box),
  refusal: { fieldCodes: ['BAD_USER_INPUT', 'NOT_FOUND'], forbidden: 'forbiddenAnswer' },
};

async function saveAnswer(form, a, input) {
  clearErrors(form);
  say('');
  // variants[i] is the i-th variant sent: the page shows it beside that channel's field.
  const rename = (f) => {
    const m = /^variants\[(\d+)\]\.(text|channel)$/.exec(f || '');
    return m && input.variants?.[m[1]] ? 'variant-' + input.variants[m[1]].channel : f;
  };
  if (a) {
    if (Object.keys(input).length === 1) {
      say(t('nothingChanged'));
      return;
    }
    await save(form, { mutation: M.updateAnswer, input, refusal: { rename } }, ANSWER);
    return;
  }
  const d = await send(form, M.createAnswer, { input }, { ...ANSWER.refusal, rename });
  if (!d) return;
  openAnswerForm(d.createAnswer);
  $('answer-form').dataset.saved = 'true';
  say(t('saved'), 'saved');
  await searchAnswers();
}
