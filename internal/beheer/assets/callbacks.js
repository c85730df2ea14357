// @ts-check
// Terugbelverzoeken: filing a call-back request from the answer base, and
// the queue of the signed-in person's organization.

import { $, channelName, say, state, $field, $select } from './state.js';
import { clearErrors, messageFor, send, showErrors } from './saving.js';
import { el } from '/shared/dom.js';
import { fail, showOnly } from './session.js';
import { field, fill, orNull, select, textarea, textbox } from './form.js';
import { gql, read } from './api.js';
import { t } from './text.js';

// openCallbackForm files a question the base does not answer; it is routed
// to the queue of the organization that owns the product.
export function openCallbackForm() {
  $('answer-editor').replaceChildren();
  const refs = state.refs;
  const channels = refs.channels.map((c) => [c.code, channelName(c)]);
  const from = $field('q-channel').value || channels[0]?.[0];
  const form = el('form', { class: 'card form', id: 'callback-form', novalidate: true },
    el('h3', { class: 'utrecht-heading-3' }, t('fileCallback')),
    el('p', { class: 'utrecht-paragraph' }, t('cbPrivacy')),
    el('div', { class: 'form-grid' },
      field('product', t('cbProduct'), select('cf-product', [['', '—'], ...refs.products.map((p) => [p.slug, p.name])], '')),
      field('question', t('cbQuestion'), textarea('cf-question', $field('q-search').value.trim(), 2), true),
      field('channel', t('cbChannel'), select('cf-channel', channels, from)),
      field('replyChannel', t('cbReply'), select('cf-reply', channels, from)),
      field('contactName', t('cbName'), textbox('cf-name', '', { autocomplete: 'off' })),
      field('contact', t('cbContact'), textbox('cf-contact', '', { autocomplete: 'off' }))),
    el('p', { class: 'form-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'callback-send' }, t('send')),
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const product = $field('cf-product').value;
    if (!product) { showErrors(form, [{ field: 'product', reason: 'not_found', message: 'choose a product' }]); return; }
    const input = { product, question: $field('cf-question').value.trim(), channel: $field('cf-channel').value, replyChannel: $field('cf-reply').value,
      contactName: orNull($field('cf-name').value), contact: orNull($field('cf-contact').value) };
    const d = await send(form, 'mutation File($input: CreateCallbackRequestInput!) { createCallbackRequest(input: $input) { id organization { name } } }',
      { input }, { fieldCodes: ['BAD_USER_INPUT', 'NOT_FOUND'] });
    if (!d) return;
    const filed = d.createCallbackRequest;
    $('callback-filer').replaceChildren(el('p', { class: 'saved', id: 'callback-filed', 'data-id': filed.id }, t('cbFiled', filed.organization.name), ' ',
      el('a', { class: 'utrecht-link', href: '#terugbellen' }, t('callbacks'))));
  });
  $('callback-filer').replaceChildren(form);
  $('cf-product').focus();
}

export function renderCallbackFilters() {
  fill('cb-status', [['', `${t('callbackStatuses').OPEN} + ${t('callbackStatuses').ASSIGNED}`],
    ...['OPEN', 'ASSIGNED', 'CLOSED'].map((s) => [s, t('callbackStatuses')[s]])]);
}

export async function openCallbacks() {
  showOnly('callbacks');
  say(t('loading'));
  if (!$select('cb-status').options.length) renderCallbackFilters();
  await loadCallbacks();
  say('');
}

// loadCallbacks reads the queue: by default what is still open (OPEN and
// ASSIGNED), oldest first as the API gives it.
export async function loadCallbacks() {
  const status = $field('cb-status').value;
  const statuses = status ? [status] : ['OPEN', 'ASSIGNED'];
  const pages = await Promise.all(statuses.map((s) => read(`query Queue($org: String, $status: CallbackRequestStatus) {
    callbackRequests(organization: $org, status: $status, first: 200) { totalCount edges { node { ...R } } }
  }`, { org: state.session.organization || null, status: s })));
  state.callbacks = pages.flatMap((p) => p.callbackRequests.edges.map((e) => e.node))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id));
  renderCallbacks();
}

export function renderCallbacks() {
  const list = state.callbacks;
  if (!list) return;
  if (!list.length) {
    $('callback-queue').replaceChildren(el('p', { class: 'utrecht-paragraph', id: 'callback-empty' }, t('noCallbacks')));
    return;
  }
  const heads = [t('age'), t('productStatus'), t('product'), t('questionHead'), t('channelIn'), t('replyOn'), t('contact'), t('assignee'), ''];
  $('callback-queue').replaceChildren(el('table', { id: 'callback-table' },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.map((r) => el('tr', { 'data-id': r.id, 'data-status': r.status },
      el('td', { 'data-hours': r.ageHours }, t('hours', r.ageHours)),
      el('td', {}, el('span', { class: 'pill' }, t('callbackStatuses')[r.status])),
      el('td', {}, el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(r.product.slug) }, r.product.name)),
      el('td', {}, r.question, r.answer ? el('div', {}, `${t('settledBy')}: ${r.answer.question}`) : null),
      el('td', {}, channelName(r.channel)),
      el('td', {}, channelName(r.replyChannel)),
      el('td', {}, [r.contactName, r.contact].filter(Boolean).join(' · ')),
      el('td', {}, r.assignee || ''),
      el('td', {}, r.status === 'CLOSED' ? null : callbackActions(r)))))));
}

function callbackActions(r) {
  const err = el('p', { class: 'form-error', role: 'alert' });
  const who = textbox('cb-assignee-' + r.id, r.assignee || state.session.name, { 'aria-label': t('assignee') });
  const answer = select('cb-answer-' + r.id, [['', t('noAnswer')],
    ...(r.product.answers || []).filter((a) => a.status === 'PUBLISHED').map((a) => [a.id, a.question])], '', { 'aria-label': t('settledBy') });
  const act = async (mutation, vars) => {
    err.textContent = '';
    let res;
    try {
      res = await gql(mutation, vars);
    } catch (e) {
      fail(e);
      return;
    }
    if (res.errors.length) {
      err.textContent = res.errors[0].extensions?.code === 'FORBIDDEN' ? t('forbiddenCallback') : messageFor(res.errors[0]);
      return;
    }
    await loadCallbacks();
    say(t('saved'), 'saved');
  };
  return el('div', { class: 'callback-actions' },
    el('div', { class: 'inline' }, who, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'assign-' + r.id,
      onclick: () => act('mutation Assign($id: ID!, $who: String!) { assignCallbackRequest(id: $id, assignee: $who) { id } }',
        { id: r.id, who: who.value.trim() }) }, t('assign'))),
    el('div', { class: 'inline' }, answer, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'close-' + r.id,
      onclick: () => act('mutation Close($id: ID!, $answer: ID) { closeCallbackRequest(id: $id, answer: $answer) { id } }',
        { id: r.id, answer: answer.value || null }) }, t('close'))),
    err);
}
