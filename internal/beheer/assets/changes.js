// @ts-check
// The change log's entries as a table: the product's history and the
// conflict box show them.

import { channelName, dateTime, state } from './state.js';
import { el } from '/shared/dom.js';
import { t } from './text.js';

// The row already names the product and the channel, and the municipality
// follows from the owner: those fields would only repeat it.
const hiddenField = (f) => ['productId', 'channelId', 'municipalityId'].includes(f.field);

// A changed field in the page's language, as the API writes it for people:
// its label, and its values in words (a dash for none).
function fieldChange(f) {
  const en = state.lang === 'en';
  const label = en ? f.labelEn : f.label;
  const old = (en ? f.oldTextEn : f.oldText) ?? '—';
  const now = (en ? f.newTextEn : f.newText) ?? '—';
  return `${label}: ${old} → ${now}`;
}

function changeRows(changes) {
  return changes.map((c) => el('tr', { 'data-change': c.id },
    el('td', {}, dateTime(c.at)),
    el('td', {}, c.actor || c.organization?.name || ''),
    el('td', {}, c.channel ? el('strong', {}, channelName(c.channel) + ': ') : null,
      c.action === 'DELETE' && c.channel ? t('removed') : null,
      el('ul', { class: 'changes' }, c.fields.filter((f) => !hiddenField(f)).map((f) => el('li', { 'data-field': f.field }, fieldChange(f)))))));
}

export function changeTable(changes, id) {
  return el('table', { id }, el('thead', {}, el('tr', {}, [t('when'), t('who'), t('what')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, changeRows(changes)));
}
