// @ts-check
// The admin area: channels, organizations, locations, targets.

import { $, say, state } from './state.js';
import { clearErrors, send, showErrors } from './saving.js';
import { el, scrollBox } from '/shared/dom.js';
import { read } from './api.js';
import { showOnly } from './session.js';
import { t } from './text.js';

// Each kind of record is described once: its list, its fields and the
// mutations that create and change it. The forms are built from this.
const ADMIN_KINDS = [
  { key: 'channels', title: { nl: 'Kanalen', en: 'Channels' }, create: 'createChannel', update: 'updateChannel', type: 'Channel',
    fields: [['code', 'text'], ['name', 'text'], ['nameEn', 'text'], ['description', 'textarea'], ['digital', 'bool'],
      ['assisted', 'bool'], ['youth', 'bool'], ['active', 'bool'], ['sortOrder', 'int']],
    columns: ['code', 'name', 'nameEn', 'digital', 'assisted', 'youth', 'active'] },
  { key: 'organizations', title: { nl: 'Organisaties', en: 'Organizations' }, create: 'createOrganization', update: 'updateOrganization', type: 'Organization',
    fields: [['code', 'text'], ['name', 'text'], ['kind', ['MUNICIPALITY', 'CLUSTER', 'DEPARTMENT', 'TEAM']], ['parentID', 'organization']],
    columns: ['code', 'name', 'kind', 'parent'], values: { kind: 'organizationKinds' } },
  { key: 'locations', title: { nl: 'Locaties', en: 'Locations' }, create: 'createLocation', update: 'updateLocation', type: 'Location',
    fields: [['code', 'text'], ['name', 'text'], ['kind', ['CITY_OFFICE', 'WIJKHUB', 'OTHER']], ['street', 'text'], ['postalCode', 'text'],
      ['city', 'text'], ['openingHours', 'text'], ['visit', ['APPOINTMENT', 'WALK_IN', 'BOTH']], ['municipalityID', 'municipality']],
    columns: ['code', 'name', 'kind', 'city'], values: { kind: 'locationKinds', visit: 'visits' } },
  { key: 'targets', title: { nl: 'Doelen', en: 'Targets' }, create: 'createTarget', update: null, type: 'Target',
    fields: [['name', 'text'], ['description', 'textarea'], ['deadline', 'date'], ['share', 'float'], ['primary', 'bool']],
    columns: ['name', 'deadline', 'share'] },
];

const FIELD_NAMES = {
  nl: { code: 'Code', name: 'Naam', nameEn: 'Naam in het Engels', description: 'Beschrijving', digital: 'Digitaal', assisted: 'Met hulp',
    youth: 'Voor jongeren', active: 'Actief', sortOrder: 'Volgorde', kind: 'Soort', parentID: 'Onderdeel van', parent: 'Onderdeel van',
    street: 'Straat en nummer', postalCode: 'Postcode', city: 'Plaats', openingHours: 'Openingstijden', visit: 'Bezoek',
    municipalityID: 'Gemeente', deadline: 'Uiterlijk op', share: 'Aandeel (0–1)', primary: 'Hoofddoel' },
  en: { code: 'Code', name: 'Name', nameEn: 'English name', description: 'Description', digital: 'Digital', assisted: 'Assisted',
    youth: 'For young people', active: 'Active', sortOrder: 'Order', kind: 'Kind', parentID: 'Part of', parent: 'Part of',
    street: 'Street and number', postalCode: 'Postal code', city: 'City', openingHours: 'Opening hours', visit: 'Visit',
    municipalityID: 'Municipality', deadline: 'Deadline', share: 'Share (0–1)', primary: 'Primary target' },
};
const fieldName = (f) => FIELD_NAMES[state.lang][f] || f;

export async function openAdmin() {
  showOnly('admin');
  say(t('loading'));
  const d = await read(`query Admin {
    channels { id code name nameEn description digital assisted youth active sortOrder }
    organizations { id code name kind parent { id code } }
    locations { id code name kind street postalCode city openingHours visit municipality { id } }
    coverage { target { name deadline share } }
  }`);
  say('');
  state.admin = d;
  renderAdmin();
}

// VALUE_NAMES are the admin lists' codes in words.
const VALUE_NAMES = {
  nl: {
    organizationKinds: { MUNICIPALITY: 'Gemeente', CLUSTER: 'Cluster', DEPARTMENT: 'Afdeling', TEAM: 'Team' },
    locationKinds: { CITY_OFFICE: 'Stadswinkel', WIJKHUB: 'Wijkhub', OTHER: 'Andere locatie' },
    visits: { APPOINTMENT: 'Op afspraak', WALK_IN: 'Zonder afspraak', BOTH: 'Met en zonder afspraak' },
  },
  en: {
    organizationKinds: { MUNICIPALITY: 'Municipality', CLUSTER: 'Cluster', DEPARTMENT: 'Department', TEAM: 'Team' },
    locationKinds: { CITY_OFFICE: 'City office', WIJKHUB: 'Neighbourhood hub', OTHER: 'Other location' },
    visits: { APPOINTMENT: 'By appointment', WALK_IN: 'Walk in', BOTH: 'With or without appointment' },
  },
};
const valueName = (kind, col, v) => (kind.values?.[col] && VALUE_NAMES[state.lang][kind.values[col]][v]) || v;

function adminValue(kind, rec, col) {
  if (col === 'kind' || col === 'visit') return valueName(kind, col, rec[col]);
  if (col === 'parent') return rec.parent?.code || '';
  if (col === 'share') return String(Math.round(rec.share * 1000) / 10) + ' %';
  const v = rec[col];
  return typeof v === 'boolean' ? (v ? '✓' : '') : v ?? '';
}

export function renderAdmin() {
  const d = state.admin;
  if (!d) return;
  const records = { channels: d.channels, organizations: d.organizations, locations: d.locations,
    targets: d.coverage.target ? [{ ...d.coverage.target, readOnly: true }] : [] };
  $('admin-body').replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('adminLead')), ...ADMIN_KINDS.flatMap((k) => [
    el('h3', { class: 'utrecht-heading-3' }, k.title[state.lang]),
    scrollBox(k.title[state.lang], el('table', { id: 'admin-' + k.key },
      el('thead', {}, el('tr', {}, k.columns.map((c) => el('th', { scope: 'col' }, fieldName(c))), el('th', {}, ''))),
      el('tbody', {}, records[k.key].map((rec) => el('tr', { 'data-id': rec.id || '' },
        k.columns.map((c) => el('td', {}, adminValue(k, rec, c))),
        el('td', {}, k.update && rec.id ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
          onclick: () => openAdminForm(k, rec) }, t('edit')) : null)))))),
    el('p', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'new-' + k.key,
      onclick: () => openAdminForm(k, null) }, t('newRecord'))),
    el('div', { id: 'admin-form-' + k.key }),
  ]));
}

function adminInput(name, type, value, kind) {
  const id = 'a-' + name;
  const cls = 'utrecht-textbox utrecht-textbox--html-input';
  if (type === 'bool') return el('input', { id, name, type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', checked: !!value });
  if (type === 'textarea') { const e = el('textarea', { id, name, rows: 2, class: 'utrecht-textarea utrecht-textarea--html-textarea' }); e.value = value ?? ''; return e; }
  if (Array.isArray(type) || type === 'organization' || type === 'municipality') {
    const d = state.admin;
    const options = Array.isArray(type) ? type.map((v) => [v, valueName(kind, name, v)])
      : [['', '—'], ...d.organizations.filter((o) => type === 'organization' || o.kind === 'MUNICIPALITY').map((o) => [o.id, `${o.name} (${o.code})`])];
    const e = el('select', { id, name, class: 'utrecht-select utrecht-select--html-select' }, options.map(([v, l]) => el('option', { value: v }, l)));
    e.value = value ?? options[0][0];
    return e;
  }
  const e = el('input', { id, name, class: cls, type: type === 'date' ? 'date' : 'text', inputmode: type === 'int' || type === 'float' ? 'decimal' : null });
  e.value = value ?? '';
  return e;
}

function openAdminForm(kind, rec) {
  for (const k of ADMIN_KINDS) $('admin-form-' + k.key).replaceChildren();
  const current = (name) => {
    if (!rec) return name === 'active' ? true : null;
    if (name === 'parentID') return rec.parent?.id || '';
    if (name === 'municipalityID') return rec.municipality?.id || '';
    return rec[name];
  };
  const form = el('form', { class: 'card form', id: 'admin-form', novalidate: true },
    el('h4', { class: 'utrecht-heading-4' }, `${kind.title[state.lang]}: ${rec ? rec.code || rec.name : t('newRecord')}`),
    el('div', { class: 'form-grid' }, kind.fields.map(([name, type]) => el('div',
      { class: 'utrecht-form-field' + (type === 'bool' ? ' checkbox' : ''), 'data-field': name },
      type === 'bool' ? [adminInput(name, type, current(name), kind), el('label', { class: 'utrecht-form-label', for: 'a-' + name }, fieldName(name))]
        : [el('label', { class: 'utrecht-form-label', for: 'a-' + name }, fieldName(name)), adminInput(name, type, current(name), kind)]))),
    el('p', { class: 'form-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'admin-save' }, t('save')),
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const input = {};
    const local = [];
    for (const [name, type] of kind.fields) {
      const e = form.elements[name];
      let v = type === 'bool' ? e.checked : e.value.trim();
      if (type === 'int' || type === 'float') {
        if (v === '') continue;
        v = Number(v.replace(',', '.'));
        if (!Number.isFinite(v) || (type === 'int' && !Number.isInteger(v))) { local.push({ field: name, reason: 'format', message: 'not a number' }); continue; }
      }
      if (v === '' && rec) {
        if (name === 'parentID' && rec.parent) input.clearParent = true;
        continue;
      }
      if (v === '') continue;
      if (rec && v === current(name)) continue;
      input[name] = v;
    }
    if (local.length) { showErrors(form, local); return; }
    const mutation = rec
      ? `mutation($id: ID!, $input: ${kind.update[0].toUpperCase() + kind.update.slice(1)}Input!) { ${kind.update}(id: $id, input: $input) { id } }`
      : `mutation($input: ${kind.create[0].toUpperCase() + kind.create.slice(1)}Input!) { ${kind.create}(input: $input) { id } }`;
    if (!await send(form, mutation, rec ? { id: rec.id, input } : { input }, { forbidden: 'forbiddenAdmin' })) return;
    await openAdmin();
    say(t('saved'), 'saved');
  });
  $('admin-form-' + kind.key).replaceChildren(form);
  form.querySelector('input, select, textarea').focus();
}
