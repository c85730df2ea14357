// @ts-check
// Sign-in: the session, who is signed in, the texts of the page in its
// language, and the end of a session (a warning, and unsaved edits kept).

import { $, dateTime, say, state, $field } from './state.js';
import { SignedOut } from './api.js';
/** @typedef {import('./state.js').Field} Field */
import { el } from '/shared/dom.js';
import { t } from './text.js';

export function fail(e) {
  if (e instanceof SignedOut) {
    state.session = null;
    showSignedOut(keepDraft() ? t('sessionOverKept') : t('sessionOver'));
    return;
  }
  say(t('failed') + e.message, 'form-error');
}

export async function loadSession() {
  const res = await fetch('/beheer/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.status === 404) return 'unconfigured';
  const s = await res.json();
  state.providerProblem = s.providerProblem || null;
  if (!s.signedIn) return 'signed-out';
  state.session = s;
  return 'signed-in';
}

export function showOnly(id) {
  for (const s of ['signed-out', 'list', 'product', 'admin', 'answers', 'callbacks']) $(s).hidden = s !== id;
}

export function showSignedOut(message) {
  showOnly('signed-out');
  $('logout').hidden = true;
  $('nav-admin').hidden = true;
  $('who').textContent = '';
  $('signed-out-text').textContent = message || t('signInText');
  /** @type {HTMLAnchorElement} */ ($('sign-in')).href = '/beheer/login?next=' + encodeURIComponent('/beheer/' + location.hash);
}

export function renderWho() {
  const s = state.session;
  $('who').textContent = `${s.name} · ${t('roles')[s.role] || s.role} ${t('of')} ${s.organization || t('everything')}`;
  $('logout').hidden = false;
  $field('logout-csrf').value = s.csrf;
  $('nav-admin').hidden = s.role !== 'ADMIN';
}

export function renderTexts() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(/** @type {HTMLElement} */ (e).dataset.t);
  $('lang').textContent = state.lang === 'nl' ? 'English' : 'Nederlands';
  $('lang').lang = state.lang === 'nl' ? 'en' : 'nl';
  document.title = `${t('title')} · Catalogus`;
}

// A few minutes before the session ends the page says so; when it has ended
// (or the server refuses it), what the editor typed and had not saved is
// kept in sessionStorage, with the address, and put back into the same
// form after signing in again. Only the product's forms and the channel
// form are put back: the ones that are open again after the page returns.

const DRAFT = 'catalogus-draft';
const WARN_BEFORE = 5 * 60 * 1000;

function keepDraft() {
  const fields = {};
  /** @type {NodeListOf<Field>} */
  const all = document.querySelectorAll('main form:not([hidden]) :is(input, select, textarea)[id]');
  for (const f of all) {
    if (f.type === 'hidden' || f.type === 'submit' || f.closest('[hidden]')) continue;
    fields[f.id] = f instanceof HTMLInputElement && f.type === 'checkbox' ? f.checked
      : f instanceof HTMLSelectElement && f.multiple ? [...f.selectedOptions].map((o) => o.value) : f.value;
  }
  if (!Object.keys(fields).length) return false;
  sessionStorage.setItem(DRAFT, JSON.stringify({ hash: location.hash, cell: $('cell-form').hidden ? null : state.cell, fields, at: Date.now() }));
  return true;
}

export function restoreDraft(reopenCell) {
  const raw = sessionStorage.getItem(DRAFT);
  if (!raw) return;
  sessionStorage.removeItem(DRAFT);
  const d = JSON.parse(raw);
  if (d.hash !== location.hash || Date.now() - d.at > 12 * 3600 * 1000) return;
  if (d.cell && state.product) reopenCell(d.cell);
  let put = 0;
  for (const [id, v] of Object.entries(d.fields)) {
    const f = $field(id);
    if (!f || f.closest('[hidden]')) continue;
    if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = v;
    else if (f instanceof HTMLSelectElement && f.multiple) for (const o of f.options) o.selected = v.includes(o.value);
    else f.value = v;
    f.dispatchEvent(new Event('change'));
    put++;
  }
  if (put) say(t('draftRestored'));
}

export function watchSessionEnd() {
  const end = new Date(state.session.expires).getTime();
  let warned = false;
  const check = () => {
    if (!state.session) { clearInterval(timer); return; }
    const left = end - Date.now();
    if (left <= 0) {
      clearInterval(timer);
      state.session = null;
      $('session-ending')?.remove();
      showSignedOut(keepDraft() ? t('sessionOverKept') : t('sessionOver'));
    } else if (left <= WARN_BEFORE && !warned) {
      warned = true;
      const again = el('a', { class: 'utrecht-link', href: '/beheer/login?next=' + encodeURIComponent('/beheer/' + location.hash) }, t('signInAgain'));
      again.addEventListener('click', () => { keepDraft(); });
      $('main').prepend(el('p', { id: 'session-ending', class: 'status form-error', role: 'alert' }, t('sessionEnding', dateTime(new Date(end).toISOString())), ' ', again));
    }
  };
  const timer = setInterval(check, 15000);
  document.addEventListener('visibilitychange', check);
  check();
}
