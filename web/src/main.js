// Entry point: language, header (connection state, language menu, session), hash routing.
// Each view is a module under views/ exporting `render(ctx)`; it may return a cleanup
// function, called when the user navigates away (leave rooms, close documents).
import { app, errorText } from './app.js';
import { h, replace } from './dom.js';
import { endonym, getLang, initI18n, onLangChange, setLang, t, tl, UI_LANGS } from './i18n.js';
import * as consoleView from './views/console.js';
import * as declarationView from './views/declaration.js';
import * as homeView from './views/home.js';
import * as joinView from './views/join.js';
import * as roomView from './views/room.js';

const routes = [
  [/^#?\/?$/, () => (app.forumId ? homeView : joinView), () => ({})],
  [/^#\/join$/, () => joinView, () => ({})],
  [/^#\/forum\/(\d+)$/, () => homeView, (m) => ({ forum: Number(m[1]) })],
  [/^#\/room\/(\d+)$/, () => roomView, (m) => ({ room: Number(m[1]) })],
  [/^#\/workshop\/(\d+)$/, () => roomView, (m) => ({ workshop: Number(m[1]) })],
  [/^#\/console$/, () => consoleView, () => ({})],
  [/^#\/declaration\/(\d+)$/, () => declarationView, (m) => ({ declaration: Number(m[1]) })],
  // The ballot is a chunk of its own: most visits never need it.
  [/^#\/poll\/(\d+)$/, () => lazy(() => import('./views/vote.js')), (m) => ({ poll: Number(m[1]) })],
  [/^#\/rapporteur$/, () => lazy(() => import('./views/rapporteur.js')), () => ({})],
];

function lazy(load) { return { render: async (ctx) => (await load()).render(ctx) }; }

let cleanup = null;
let renderSeq = 0;

function currentRoute() {
  const hash = location.hash || '#/';
  for (const [re, view, params] of routes) {
    const m = hash.match(re);
    if (m) return { view: view(), params: params(m) };
  }
  return { view: null, params: {} };
}

async function route() {
  const seq = ++renderSeq;
  if (cleanup) { try { cleanup(); } catch (e) { console.error(e); } cleanup = null; }
  app.clearError();
  const main = document.getElementById('main');
  const { view, params } = currentRoute();
  if (!view) {
    replace(main, h('h1', { tabindex: '-1', class: 'view-heading' }, t('notfound.title')),
      h('p', null, h('a', { href: '#/' }, t('nav.home'))));
    focusHeading(main);
    return;
  }
  const ctx = { app, params, main, isCurrent: () => seq === renderSeq };
  try {
    const c = await view.render(ctx);
    if (seq !== renderSeq) { if (typeof c === 'function') c(); return; }
    cleanup = typeof c === 'function' ? c : null;
  } catch (err) {
    if (seq !== renderSeq) return;
    if (!err?.code) console.error(err);
    app.error(err);
    // Replace the "loading" view with something to do next.
    const h1 = main.querySelector('h1')?.textContent || 'Plenary';
    replace(main, h('h1', { tabindex: '-1', class: 'view-heading' }, h1),
      h('p', null, errorText(err)),
      h('p', null, app.me
        ? h('a', { href: app.forumId ? `#/forum/${app.forumId}` : '#/' }, t('nav.home'))
        : h('a', { href: '#/join' }, t('nav.join'))));
  }
  if (seq === renderSeq) focusHeading(main);
}

let firstRender = true;
function focusHeading(main) {
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} · Plenary` : 'Plenary';
  // Move focus to the view heading on navigation (not on the very first load).
  if (heading && !firstRender) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
  firstRender = false;
}

function renderHeader() {
  const header = document.getElementById('app-header');
  const forumName = app.forumId && app.forumCache.get(app.forumId)?.forum?.name;
  const langSelect = h('select', {
    id: 'ui-lang',
    onchange: (e) => setLang(e.target.value),
  }, UI_LANGS.map((l) => h('option', { value: l, lang: l, selected: l === getLang() }, endonym(l))));
  const nav = h('nav', { 'aria-label': t('nav.label') }, h('ul', { class: 'nav-list' },
    app.forumId && h('li', null, h('a', { href: `#/forum/${app.forumId}` }, t('nav.home'))),
    app.hasRole('organiser') && h('li', null, h('a', { href: '#/console' }, t('nav.console'))),
    app.hasRole('rapporteur') && h('li', null, h('a', { href: '#/rapporteur' }, t('nav.rapporteur'))),
    !app.me && h('li', null, h('a', { href: '#/join' }, t('nav.join'))),
  ));
  const session = app.me
    ? h('div', { class: 'session' },
      h('span', { class: 'me-name' }, app.me.name),
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: async () => { await app.logout(); location.hash = '#/join'; },
      }, t('action.logout')))
    : null;
  replace(header,
    h('div', { class: 'brand' },
      h('a', { href: '#/', class: 'brand-link' }, h('img', { src: 'icon.svg', alt: '', width: 32, height: 32 }), h('span', null, 'Plenary')),
      forumName && h('span', { class: 'brand-forum' }, tl(forumName))),
    nav,
    h('div', { class: 'header-tools' },
      h('p', { class: `conn conn-${app.socket.state}`, id: 'conn', role: 'status', 'aria-live': 'polite' },
        h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), t(`conn.${app.socket.state}`)),
      h('div', { class: 'lang-menu' }, h('label', { for: 'ui-lang' }, t('ui.language')), langSelect),
      session));
}

function updateConn(state) {
  const el = document.getElementById('conn');
  if (!el) return;
  el.className = `conn conn-${state}`;
  replace(el, h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), t(`conn.${state}`));
}

async function start() {
  try {
    await initI18n();
  } catch (e) {
    console.error(e);
  }
  document.getElementById('skip-link').textContent = t('ui.skip');
  renderHeader();
  app.onChange(renderHeader);
  app.socket.onState(updateConn);
  onLangChange(() => {
    document.getElementById('skip-link').textContent = t('ui.skip');
    renderHeader();
    route();
  });
  window.addEventListener('hashchange', route);
  app.start();
  route();
}

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn('service worker', e));
  });
}

start();
