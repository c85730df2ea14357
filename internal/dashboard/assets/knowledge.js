// The answer base beside coverage: how many published products have a
// current answer (published, reviewed within its interval), answers overdue
// for review, and the call-back requests still open. Its own module, reading
// only the public GraphQL API (the `knowledge` query, docs/knowledge.md), so
// that it stays apart from the coverage charts in app.js. The figures are of
// today, whatever date the page shows.

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
  const opts = style === 'percent' ? { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 } : {};
  return new Intl.NumberFormat(lang() === 'nl' ? 'nl-NL' : 'en-GB', opts).format(n);
}

function figure(id, value, label) {
  const box = document.createElement('div');
  box.className = 'figure';
  const v = document.createElement('span');
  v.className = 'figure__value';
  v.id = id;
  v.textContent = value;
  const l = document.createElement('span');
  l.className = 'figure__label';
  l.textContent = label;
  box.append(v, l);
  return box;
}

function render() {
  const t = TEXT[lang()];
  const h = document.createElement('h2');
  h.className = 'utrecht-heading-2';
  h.id = 'h-knowledge';
  h.textContent = t.title;
  const p = document.createElement('p');
  p.className = 'utrecht-paragraph';
  if (failure) {
    p.textContent = t.failed + failure;
    section.replaceChildren(h, p);
    return;
  }
  p.textContent = t.lead;
  const k = figures;
  const grid = document.createElement('div');
  grid.className = 'headline__grid';
  const current = figure('knowledge-current', t.current(fmt(k.productsWithCurrentAnswer), fmt(k.products)), t.currentLabel(fmt(k.share, 'percent')));
  current.firstChild.dataset.current = String(k.productsWithCurrentAnswer);
  current.firstChild.dataset.products = String(k.products);
  grid.append(
    current,
    figure('knowledge-overdue', fmt(k.overdueAnswers), t.overdue),
    figure('knowledge-open', fmt(k.openCallbacks), t.open),
    figure('knowledge-oldest', k.oldestOpenCallbackHours === null ? '—' : fmt(k.oldestOpenCallbackHours),
      k.oldestOpenCallbackHours === null ? t.none : t.oldest),
  );
  section.replaceChildren(h, p, grid);
}

async function load() {
  try {
    const res = await fetch('/graphql', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = await res.json();
    if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
    figures = body.data.knowledge;
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
