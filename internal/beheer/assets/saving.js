// @ts-check
// Saving: expectedVersion, field errors and conflicts.

import { $, say, state } from './state.js';
import { DUTCH, FACT_NL, t } from './text.js';
import { changeTable } from './changes.js';
import { el } from '/shared/dom.js';
import { fail, renderTexts } from './session.js';
import { gql } from './api.js';

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const f of form.querySelectorAll('.has-error')) f.classList.remove('has-error');
  for (const i of form.querySelectorAll('[aria-invalid]')) { i.removeAttribute('aria-invalid'); i.removeAttribute('aria-describedby'); }
  const err = form.querySelector('.form-error');
  if (err) err.textContent = '';
}

export function messageFor(e) {
  let field = e.extensions?.field || e.field;
  const reason = e.extensions?.reason || e.reason || (e.extensions?.code === 'NOT_FOUND' ? 'not_found' : undefined);
  if (state.lang === 'en') return e.message;
  // A variant that states a fact the main answer does not: the API names
  // the fact in its (English) message; the page says the same in Dutch.
  if (reason === 'contradicts') {
    const m = /states the (amount|duration|web address|phone number) "([^"]*)"/.exec(e.message || '');
    const fact = m ? `${FACT_NL[m[1]]} "${m[2]}"` : 'een bedrag, termijn, webadres of telefoonnummer';
    return `Deze tekst noemt ${fact}, maar het hoofdantwoord niet. Een kanaal mag feiten weglaten, ` +
      'maar elk bedrag, elke termijn, elk webadres en elk telefoonnummer moet ook in het hoofdantwoord staan.';
  }
  if (/^variants\[\d+\]\./.test(field || '')) field = 'variant';
  return DUTCH[`${field}:${reason}`] || DUTCH[reason] || e.message;
}

// showErrors puts each field's message beside the field; what belongs to no
// field on the form goes at its foot.
// rename maps the API's field name to the form's, where they differ.
export function showErrors(form, errors, rename = (f) => f) {
  const general = [];
  for (const e of errors) {
    const field = rename(e.extensions?.field || e.field);
    const box = field && form.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (!box) {
      general.push(messageFor(e));
      continue;
    }
    box.hidden = false;
    box.classList.add('has-error');
    const id = 'err-' + field;
    box.append(el('p', { class: 'field-error utrecht-form-field-error-message', id }, messageFor(e)));
    const input = box.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', id); }
  }
  form.querySelector('.form-error').textContent = general.length ? general.join(' ') : t('checkFields');
  const first = form.querySelector('[aria-invalid]');
  if (first) first.focus();
}

// send runs a form's mutation and returns its data, or null when it failed:
// errors with a code in fieldCodes go beside the form's fields (see
// showErrors), others at its foot, FORBIDDEN in the words of forbidden.
export async function send(form, mutation, variables, how = {}) {
  let r;
  try {
    r = await gql(mutation, variables);
  } catch (e) {
    fail(e);
    return null;
  }
  if (!r.errors.length) return r.data;
  refuse(form, r.errors, how);
  return null;
}

/**
 * How a form shows the API's refusal (see send and refuse).
 * @typedef {object} Refusal
 * @property {string[]} [fieldCodes] the codes whose errors go beside the form's fields
 * @property {string} [forbidden] the text (a key of TEXT) for FORBIDDEN
 * @property {string} [notFound] the text for NOT_FOUND
 * @property {(field: string) => string} [rename] the form's name of the API's field
 */

// refuse shows why the API refused a form's change (see send).
/** @param {HTMLElement} form @param {any[]} errors @param {Refusal} [how] */
function refuse(form, errors, { fieldCodes = ['BAD_USER_INPUT'], forbidden = '', notFound = '', rename } = {}) {
  const code = errors[0].extensions?.code;
  if (fieldCodes.includes(code)) showErrors(form, errors, rename);
  else form.querySelector('.form-error').textContent = code === 'FORBIDDEN' && forbidden ? t(forbidden)
    : code === 'NOT_FOUND' && notFound ? t(notFound) : errors[0].message;
}

// save runs a change of a subject (PRODUCT or ANSWER) with the version this
// page last saw. On CONFLICT it keeps the change pending and shows what
// changed in between.
export async function save(form, change, subject) {
  clearErrors(form);
  say('');
  let r;
  try {
    r = await gql(change.mutation, { input: { ...change.input, expectedVersion: subject.version() } });
  } catch (e) {
    fail(e);
    return false;
  }
  if (!r.errors.length) {
    state.pending = null;
    closeConflict();
    await subject.saved(r.data, change);
    say(t('saved'), 'saved');
    return true;
  }
  if (r.errors[0].extensions?.code === 'CONFLICT') {
    await showConflict(form, change, subject);
    return false;
  }
  refuse(form, r.errors, { ...subject.refusal, ...change.refusal });
  return false;
}

async function showConflict(form, change, subject) {
  state.pending = { form, change, subject };
  const between = await subject.between();
  $('conflict-changes').replaceChildren(changeTable(between, 'conflict-table'));
  const box = $('conflict');
  $('conflict-title').dataset.t = subject.title;
  $('conflict-lead').dataset.t = subject.lead;
  renderTexts();
  subject.place(box);
  box.hidden = false;
  box.focus();
}

export function closeConflict() {
  $('conflict').hidden = true;
  $('conflict-changes').replaceChildren();
}
