// UI language: message catalogues in static/i18n/{lang}.json, loaded on demand, chosen from
// the saved choice or navigator.languages. Arabic switches the document to right-to-left.
// The UI language is separate from a declaration's content language.

export const UI_LANGS = ['en', 'es', 'fr', 'pt', 'ar'];
const RTL = new Set(['ar', 'he', 'fa', 'ur']);
const KEY = 'plenary.lang';

let lang = 'en';
let catalogue = {};
const listeners = new Set();

export const getLang = () => lang;
export const isRtl = (l) => RTL.has(String(l).split('-')[0]);

export function pickLang(saved, preferred) {
  if (saved && UI_LANGS.includes(saved)) return saved;
  for (const p of preferred || []) {
    const base = String(p).toLowerCase().split('-')[0];
    if (UI_LANGS.includes(base)) return base;
  }
  return 'en';
}

async function load(l) {
  const res = await fetch(`i18n/${l}.json`);
  if (!res.ok) throw new Error(`catalogue ${l}: ${res.status}`);
  return res.json();
}

export async function initI18n() {
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* private mode */ }
  await setLang(pickLang(saved, navigator.languages || [navigator.language]), false);
}

export async function setLang(l, persist = true) {
  let cat;
  try { cat = await load(l); } catch (e) {
    if (l === 'en') throw e;
    l = 'en'; cat = await load('en');
  }
  lang = l; catalogue = cat;
  const root = document.documentElement;
  root.lang = l;
  root.dir = isRtl(l) ? 'rtl' : 'ltr';
  if (persist) { try { localStorage.setItem(KEY, l); } catch { /* ignore */ } }
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Translate a key; {name} placeholders are filled from vars. Unknown keys show the key. */
export function t(key, vars) {
  let s = catalogue[key];
  if (s == null) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));
  return s;
}

/** Plural: key.zero/one/two/few/many/other by Intl.PluralRules, with {n}. */
export function tp(key, n, vars = {}) {
  const rule = new Intl.PluralRules(lang).select(n);
  const k = (n === 0 && catalogue[`${key}.zero`] != null) ? `${key}.zero`
    : catalogue[`${key}.${rule}`] != null ? `${key}.${rule}` : `${key}.other`;
  return t(k, { ...vars, n: formatNumber(n) });
}

export const formatNumber = (n) => new Intl.NumberFormat(lang).format(n);

/** Pick a text from a {lang: text} map: the given/UI language, then English, then any. */
export function tl(map, prefer = lang) {
  if (map == null) return '';
  if (typeof map === 'string') return map;
  return map[prefer] ?? map.en ?? Object.values(map)[0] ?? '';
}

/** The language a tl() pick came from, for lang/dir attributes on the element. */
export function tlLang(map, prefer = lang) {
  if (map == null || typeof map === 'string') return undefined;
  if (map[prefer] != null) return prefer;
  if (map.en != null) return 'en';
  return Object.keys(map)[0];
}

/** Name of a language in the UI language ("Spanish"), falling back to the code. */
export function languageName(code, inLang = lang) {
  try {
    return new Intl.DisplayNames([inLang], { type: 'language' }).of(code) || code;
  } catch { return code; }
}

/** The language's own name ("Español"), for the language menu. */
export const endonym = (code) => languageName(code, code);

export function countryName(code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(String(code).toUpperCase()) || code;
  } catch { return code; }
}

export function formatDateTime(iso, opts = {}, timeZone) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(lang, { ...opts, timeZone }).format(d);
  } catch {
    return new Intl.DateTimeFormat(lang, opts).format(d);
  }
}
