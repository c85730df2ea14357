// @ts-check
// Building the forms' fields.

import { $select } from './state.js';
import { el } from '/shared/dom.js';

export function fill(id, options) {
  const s = $select(id);
  const keep = s.value;
  s.replaceChildren(...options.map(([v, label]) => el('option', { value: v }, label)));
  if (options.some(([v]) => v === keep)) s.value = keep;
}

export const orNull = (v) => (v.trim() === '' ? null : v.trim());

export function field(name, label, input, wide = false) {
  return el('div', { class: 'utrecht-form-field' + (wide ? ' wide' : ''), 'data-field': name },
    el('label', { class: 'utrecht-form-label', for: input.id }, label), input);
}
export const textbox = (id, value = '', attrs = {}) => { const e = el('input', { id, class: 'utrecht-textbox utrecht-textbox--html-input', ...attrs }); e.value = value; return e; };
export const textarea = (id, value = '', rows = 3) => { const e = el('textarea', { id, rows, class: 'utrecht-textarea utrecht-textarea--html-textarea' }); e.value = value; return e; };
export const select = (id, options, value, attrs = {}) => {
  const e = el('select', { id, class: 'utrecht-select utrecht-select--html-select', ...attrs },
    options.map(([v, l]) => el('option', { value: v, selected: Array.isArray(value) ? value.includes(v) : null }, l)));
  if (!Array.isArray(value) && value !== undefined) e.value = value;
  return e;
};
export const words = (s) => s.split(',').map((w) => w.trim()).filter(Boolean);
