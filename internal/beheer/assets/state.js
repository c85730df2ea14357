// @ts-check
// What the page holds between events (one state object: the session, the
// product shown, the lists read), and the small helpers every part uses:
// finding an element, dates in the page's language, the status line.

export const state = { lang: localStorage.getItem('catalogus-lang') || 'nl', session: null, products: [], channels: [], product: null,
  locations: [], themes: [], changes: [], seenChange: null, cell: null, pending: null, routes: 0 };
/**
 * The element with this id: the page's HTML (index.html) has every id the
 * script asks for, or the part that asks has just drawn it.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// The same for a form's fields, typed as what they are, so that the checker
// knows their value, checked and selectedOptions (see jsconfig.json).

/** @typedef {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} Field */

/** @param {string} id @returns {Field} a text box, a list or a text area */
export const $field = (id) => /** @type {Field} */ ($(id));

/** @param {string} id @returns {HTMLInputElement} */
export const $input = (id) => /** @type {HTMLInputElement} */ ($(id));

/** @param {string} id @returns {HTMLSelectElement} */
export const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));

const locale = () => (state.lang === 'nl' ? 'nl-NL' : 'en-GB');
export const date = (s) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' })
  .format(new Date(s.length === 10 ? s + 'T12:00:00Z' : s));
export const dateTime = (s) => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(new Date(s));
export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
export const channelName = (c) => (c ? ((state.lang === 'en' && c.nameEn) ? c.nameEn : c.name) : '');
export const fold = (s) => (s || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

export function say(msg, cls = '') {
  const s = $('status');
  s.textContent = msg;
  s.className = 'status ' + cls;
}
