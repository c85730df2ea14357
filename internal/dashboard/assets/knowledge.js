// @ts-check
// The answer base beside coverage: how many published products have a
// current answer (published, reviewed within its interval), answers overdue
// for review, and the call-back requests still open. Its own module, reading
// only the public GraphQL API (the `knowledge` query, docs/knowledge.md), so
// that it stays apart from the coverage charts in app.js. The figures are of
// today, whatever date the page shows.
import { el } from '/shared/dom.js';
import { gql } from './lib.js';

const TEXT = {
  nl: {
    title: 'Eén antwoord op elk kanaal (vandaag)',
    lead: 'Gepubliceerde producten met een actueel antwoord in de vraag-antwoordbank: gepubliceerd en op tijd herzien.',
    current: (a, b) => `${a} van ${b}`, currentLabel: (p) => `producten met een actueel antwoord (${p})`,
    overdue: 'antwoorden te laat voor herziening', open: 'terugbelverzoeken open',
    oldest: 'uur wacht het oudste open verzoek', none: 'geen open verzoeken',
    failed: 'De cijfers van de antwoordbank konden niet worden geladen: ',
  },
  en: {
    title: 'One answer on every channel (today)',
    lead: 'Published products with a current answer in the question-and-answer base: published and reviewed on time.',
    current: (a, b) => `${a} of ${b}`, currentLabel: (p) => `products with a current answer (${p})`,
    overdue: 'answers overdue for review', open: 'call-back requests open',
    oldest: 'hours the oldest open request has waited', none: 'no open requests',
    failed: 'The answer base figures could not be loaded: ',
  },
};

const QUERY = `query Knowledge {
  knowledge { asOf products productsWithCurrentAnswer share overdueAnswers openCallbacks oldestOpenCallbackHours }
}`;

const section = document.getElementById('knowledge');
let figures = null;
let failure = null;

function lang() {
  return document.documentElement.lang === 'en' ? 'en' : 'nl';
}

function fmt(n, style) {
  /** @type {Intl.NumberFormatOptions} */
  const opts = style === 'percent' ? { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 } : {};
  return new Intl.NumberFormat(lang() === 'nl' ? 'nl-NL' : 'en-GB', opts).format(n);
}

function figure(id, value, label, data = {}) {
  const v = el('span', { class: 'figure__value', id }, value);
  Object.assign(v.dataset, data);
  return el('div', { class: 'figure' }, v, el('span', { class: 'figure__label' }, label));
}

function render() {
  const t = TEXT[lang()];
  const h = el('h2', { class: 'utrecht-heading-2', id: 'h-knowledge' }, t.title);
  if (failure) {
    section.replaceChildren(h, el('p', { class: 'utrecht-paragraph' }, t.failed + failure));
    return;
  }
  const k = figures;
  const grid = el('div', { class: 'headline__grid' },
    figure('knowledge-current', t.current(fmt(k.productsWithCurrentAnswer), fmt(k.products)), t.currentLabel(fmt(k.share, 'percent')),
      { current: String(k.productsWithCurrentAnswer), products: String(k.products) }),
    figure('knowledge-overdue', fmt(k.overdueAnswers), t.overdue),
    figure('knowledge-open', fmt(k.openCallbacks), t.open),
    figure('knowledge-oldest', k.oldestOpenCallbackHours === null ? '—' : fmt(k.oldestOpenCallbackHours),
      k.oldestOpenCallbackHours === null ? t.none : t.oldest),
  );
  section.replaceChildren(h, el('p', { class: 'utrecht-paragraph' }, t.lead), grid);
}

async function load() {
  try {
    figures = (await gql(QUERY)).knowledge;
  } catch (err) {
    failure = err.message;
  }
  render();
  section.hidden = false;
  section.dataset.ready = 'true';
}

if (section) {
  // app.js switches the page's language on <html lang>; follow it.
  new MutationObserver(() => { if (figures || failure) render(); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  load();
}
