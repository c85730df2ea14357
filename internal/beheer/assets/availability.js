// @ts-check
// The availability grid's form: a product's status on one channel.

import { $, channelName, state, today, $field, $input, $select } from './state.js';
import { IDENTIFICATIONS, STATUSES, t } from './text.js';
import { clearErrors } from './saving.js';
import { el } from '/shared/dom.js';
import { fill, orNull } from './form.js';

export function openCell(code) {
  const p = state.product;
  const a = p.availabilities.find((x) => x.channel.code === code);
  const c = state.channels.find((x) => x.code === code);
  state.cell = code;
  const form = $('cell-form');
  clearErrors(form);
  $('h-cell').textContent = t('editCell', channelName(c));
  fill('c-status', STATUSES.map((s) => [s, t('status')[s]]));
  $field('c-status').value = a?.status || 'AVAILABLE';
  $field('c-plannedDate').value = a?.plannedDate || '';
  $input('c-plannedDate').min = today();
  $field('c-reason').value = a?.reason || '';
  $field('c-url').value = a?.url || '';
  $field('c-phone').value = a?.phone || '';
  const chosen = new Set((a?.locations || []).map((l) => l.code));
  $('c-locations').replaceChildren(...state.locations.map((l) => el('option', { value: l.code, selected: chosen.has(l.code) }, l.name)));
  $field('c-instructions').value = a?.instructions || '';
  $field('c-processingTime').value = a?.processingTime || '';
  $field('c-cost').value = a?.costCents != null ? (a.costCents / 100).toFixed(2).replace('.', ',') : '';
  fill('c-identification', IDENTIFICATIONS.map((i) => [i, t('idents')[i]]));
  $field('c-identification').value = a?.identification || 'NONE';
  $field('c-languages').value = (a?.languages || []).join(', ');
  $input('c-reviewed').checked = true;
  $('cell-clear').hidden = !a;
  form.hidden = false;
  showStatusFields();
  $('c-status').focus();
}

// closeCell hides the channel's form and gives the focus back to the button
// it was opened from (drawn anew after a save), so that a keyboard user goes
// on where they were instead of at the top of the page.
export function closeCell() {
  $('cell-form').hidden = true;
  const button = state.cell && $('edit-' + state.cell);
  if (button) button.focus();
}

// Only the fields that fit the chosen status are shown; the rest is kept.
export function showStatusFields() {
  const s = $field('c-status').value;
  const box = (/** @type {string} */ id) => /** @type {HTMLElement} */ ($(id).closest('.utrecht-form-field'));
  box('c-plannedDate').hidden = s !== 'PLANNED';
  box('c-reason').hidden = !['UNAVAILABLE', 'NOT_APPLICABLE', 'PARTIAL'].includes(s);
}

// cellInput reads the form into setAvailability's input, or returns field
// errors the page can tell without asking the API.
export function cellInput() {
  const status = $field('c-status').value;
  const errors = [];
  let costCents = null;
  const cost = $field('c-cost').value.trim();
  if (cost !== '') {
    const n = Number(cost.replace(/\./g, '').replace(',', '.').replace(/^€\s*/, ''));
    if (!Number.isFinite(n) || n < 0) errors.push({ field: 'costCents', reason: 'format', message: 'write the amount in euros, e.g. 12,50' });
    else costCents = Math.round(n * 100);
  }
  const input = {
    product: state.product.slug, channel: state.cell, status,
    plannedDate: status === 'PLANNED' ? orNull($field('c-plannedDate').value) : null,
    reason: ['UNAVAILABLE', 'NOT_APPLICABLE', 'PARTIAL'].includes(status) ? orNull($field('c-reason').value) : null,
    url: orNull($field('c-url').value), phone: orNull($field('c-phone').value),
    locations: [...$select('c-locations').selectedOptions].map((o) => o.value),
    instructions: orNull($field('c-instructions').value), processingTime: orNull($field('c-processingTime').value),
    costCents, identification: $field('c-identification').value,
    languages: $field('c-languages').value.split(/[\s,]+/).filter(Boolean),
    reviewed: $input('c-reviewed').checked,
  };
  return { input, errors };
}
