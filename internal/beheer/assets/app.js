// @ts-check
// The editor for product owners. It reads and writes only through the
// public GraphQL API, sent to /beheer/graphql with the session cookie and
// its CSRF token; every change to a product or an answer carries its
// version as the page last saw it (expectedVersion), so a newer change is
// never overwritten unseen: the API answers CONFLICT, and the page shows what
// changed in between and lets the owner redo their change on top.
//
// This module is the page's entry: it routes by the address's fragment,
// wires the page's controls to the parts and starts the session. The parts
// import each other in one direction only (state and words at the bottom,
// then the API, the session, saving, and the areas of the page); only this
// module knows them all.

import { $, say, state } from './state.js';
import { M } from './queries.js';
import { PRODUCT, askPublish, checkPlain, openProduct, productInput, publish, renderProduct, saveTest } from './product.js';
import { cellInput, closeCell, openCell, showStatusFields } from './availability.js';
import { clearErrors, closeConflict, save, showErrors } from './saving.js';
import { fail, loadSession, renderTexts, renderWho, restoreDraft, showSignedOut, watchSessionEnd } from './session.js';
import { loadCallbacks, openCallbackForm, openCallbacks, renderCallbackFilters, renderCallbacks } from './callbacks.js';
import { loadRefs, openAnswerForm, openAnswers, renderAnswerFilters, renderAnswers, searchAnswers } from './answers.js';
import { openAdmin, renderAdmin } from './admin.js';
import { openList, renderDue, renderFilters, renderList } from './list.js';
import { t } from './text.js';

// route shows what the address names. A quick second navigation can
// overtake a slow first one; only the latest one clears the status line.
async function route() {
  if (!state.session) return;
  const seq = ++state.routes;
  say('');
  const h = decodeURIComponent(location.hash.slice(1));
  try {
    if (h.startsWith('product/')) await openProduct(h.slice('product/'.length));
    else if (h === 'admin') await openAdmin();
    else if (h === 'antwoorden' || h.startsWith('antwoorden/')) await openAnswers();
    else if (h === 'terugbellen') await openCallbacks();
    else await openList();
    if (seq === state.routes) say('');
  } catch (e) {
    fail(e);
  }
}

// redo and drop answer the conflict box; redo closes the channel form it
// saved, so they live here, beside every part they reach.

async function redo() {
  const p = state.pending;
  if (!p) return;
  p.subject.seen();
  closeConflict();
  const ok = await save(p.form, p.change, p.subject);
  if (ok && p.form.id === 'cell-form') closeCell();
}

async function drop() {
  const p = state.pending;
  state.pending = null;
  closeConflict();
  if (p) await p.subject.dropped();
}

function wire() {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    localStorage.setItem('catalogus-lang', state.lang);
    renderTexts();
    if (state.session) {
      renderWho();
      if (!$('list').hidden) { renderFilters(); renderList(); renderDue(); }
      if (!$('product').hidden) renderProduct();
      if (!$('admin').hidden) renderAdmin();
      if (!$('answers').hidden) { renderAnswerFilters(); renderAnswers(); }
      if (!$('callbacks').hidden) { renderCallbackFilters(); renderCallbacks(); }
    }
  });
  for (const id of ['f-status', 'f-theme', 'f-gap']) $(id).addEventListener('change', renderList);
  $('f-search').addEventListener('input', renderList);
  $('p-summary').addEventListener('input', () => checkPlain('p-summary'));
  $('p-description').addEventListener('input', () => checkPlain('p-description'));
  window.addEventListener('hashchange', route);
  $('c-status').addEventListener('change', showStatusFields);
  $('cell-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = $('cell-form');
    const { input, errors } = cellInput();
    clearErrors(form);
    if (errors.length) { showErrors(form, errors); return; }
    if (await save(form, { mutation: M.setAvailability, input }, PRODUCT)) closeCell();
  });
  $('cell-clear').addEventListener('click', async () => {
    const form = $('cell-form');
    if (await save(form, { mutation: M.clearAvailability, input: { product: state.product.slug, channel: state.cell } }, PRODUCT)) closeCell();
  });
  $('cell-cancel').addEventListener('click', closeCell);
  $('product-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = productInput();
    if (Object.keys(input).length === 1) {
      clearErrors($('product-form'));
      say(t('nothingChanged'));
      return;
    }
    await save($('product-form'), { mutation: M.updateProduct, input, refill: true }, PRODUCT);
  });
  $('product-publish').addEventListener('click', askPublish);
  $('publish-force').addEventListener('click', () => publish(true));
  $('publish-cancel').addEventListener('click', () => { $('publish-confirm').hidden = true; $('product-publish').focus(); });
  $('test-form').addEventListener('submit', saveTest);
  $('product-retire').addEventListener('click', () => save($('product-form'), { mutation: M.retireProduct, input: { product: state.product.slug } }, PRODUCT));
  $('conflict-redo').addEventListener('click', redo);
  $('conflict-drop').addEventListener('click', drop);
  $('answer-search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await searchAnswers();
    } catch (e) {
      fail(e);
    }
  });
  // The forms list the channels, organizations and products: read them first,
  // in case the button is pressed before the page has (a slow connection).
  $('answer-new').addEventListener('click', async () => { await loadRefs(); openAnswerForm(null); });
  $('callback-new').addEventListener('click', async () => { await loadRefs(); openCallbackForm(); });
  $('cb-status').addEventListener('change', () => loadCallbacks().catch(fail));
}

async function main() {
  renderTexts();
  wire();
  let how;
  try {
    how = await loadSession();
  } catch (e) {
    say(t('failed') + e.message, 'form-error');
    return;
  }
  if (how === 'unconfigured') {
    showSignedOut(t('notConfigured'));
    $('sign-in').hidden = true;
  } else if (how === 'signed-out') {
    showSignedOut(state.providerProblem ? state.providerProblem.message : (location.search.includes('afgemeld') ? t('signedOut') : ''));
  } else {
    renderWho();
    await route();
    restoreDraft(openCell);
    watchSessionEnd();
  }
  document.body.dataset.ready = 'true';
}

main();
