// Shared helpers for the browser tests: Debian's Chromium through playwright-core, pages that
// collect console errors and the frames they send (checked against protocols/schemas/client),
// a plain WebSocket protocol client, axe-core and screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './server.mjs';

const require = createRequire(join(root, 'tests/package.json'));
const { chromium } = require('playwright-core');
const WebSocket = require('ws');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

export const screenshotDir = join(root, 'tests/e2e/screenshots');
export const axePath = join(root, 'tests/node_modules/axe-core/axe.min.js');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// ---- protocol schemas for the frames the browser sends ----
let validators = null;
function loadValidators() {
  if (validators) return validators;
  validators = { client: new Map(), ok: new Map(), push: new Map(), error: null };
  const dir = join(root, 'protocols/schemas');
  try { readdirSync(join(dir, 'client')); } catch { return validators; }
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of readdirSync(join(dir, 'defs'))) ajv.addSchema(JSON.parse(readFileSync(join(dir, 'defs', f), 'utf8')));
  const load = (sub, map) => {
    for (const f of readdirSync(join(dir, sub))) {
      if (!f.endsWith('.json')) continue;
      map.set(f.replace(/\.json$/, ''), ajv.compile(JSON.parse(readFileSync(join(dir, sub, f), 'utf8'))));
    }
  };
  load('client', validators.client);
  load('server/ok', validators.ok);
  load('server/push', validators.push);
  validators.error = ajv.compile(JSON.parse(readFileSync(join(dir, 'server/error.json'), 'utf8')));
  return validators;
}
const clientValidators = () => loadValidators().client;

/**
 * Frames the page received that do not match protocols/schemas/server: `ok` replies by the
 * type of the request they answer, pushes by their type, errors by server/error.json.
 */
export function invalidReceived(page) {
  const v = loadValidators();
  if (!v.error) return [];
  const sentType = new Map(page.sent.map((m) => [`${m.conn}:${m.id}`, m.type]));
  const bad = [];
  for (const m of page.received) {
    let validate;
    if (m.type === 'ok') validate = v.ok.get(sentType.get(`${m.conn}:${m.re}`));
    else if (m.type === 'error') validate = v.error;
    else validate = v.push.get(m.type);
    if (!validate) { bad.push({ frame: m, error: 'no schema' }); continue; }
    if (!validate(m)) bad.push({ frame: JSON.stringify(m).slice(0, 300), errors: validate.errors.slice(0, 3) });
  }
  return bad;
}

// PLENARY_E2E_SEND_DELAY_MS: a slow line, for finding tests that race the server's answers.
// Every frame the page sends leaves that much later (a frame due on a socket closed meanwhile
// is lost, as on a dropped line).
const sendDelayMs = Number(process.env.PLENARY_E2E_SEND_DELAY_MS || 0);
function delaySends(ms) {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function delayed(data) {
    setTimeout(() => { if (this.readyState === WebSocket.OPEN) send.call(this, data); }, ms);
  };
}

/** A browser context + page with collected console errors and sent frames. */
export async function openPage(browser, server, { width = 1280, height = 900, locale = 'en-US', path = '/' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, serviceWorkers: 'allow' });
  const page = await context.newPage();
  if (sendDelayMs) await page.addInitScript(delaySends, sendDelayMs);
  page.errors = [];
  page.sent = [];
  page.received = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.conns = 0;
  page.on('websocket', (ws) => {
    const conn = ++page.conns; // message ids are per connection (and restart on reload)
    ws.on('framesent', (f) => {
      let m;
      try { m = JSON.parse(f.payload); } catch { m = { unparsable: String(f.payload) }; }
      Object.defineProperty(m, 'conn', { value: conn, enumerable: false });
      page.sent.push(m);
    });
    ws.on('framereceived', (f) => {
      try {
        const m = JSON.parse(f.payload);
        Object.defineProperty(m, 'conn', { value: conn, enumerable: false });
        page.received.push(m);
      } catch { /* ignore */ }
    });
  });
  await page.goto(server.url + path);
  return page;
}

/** Frames the page sent that do not match protocols/schemas/client (empty when all do). */
export function invalidFrames(page) {
  const v = clientValidators();
  if (!v.size) return [];
  const bad = [];
  for (const m of page.sent) {
    const validate = v.get(m.type);
    if (!validate) { bad.push({ frame: m, error: 'unknown type' }); continue; }
    if (!validate(m)) bad.push({ frame: m, errors: validate.errors });
  }
  return bad;
}

/**
 * Checks the frames received against the server schemas. Violations are printed (prefixed
 * "PROTOCOL:") and fail the test only with PLENARY_E2E_STRICT=1: these tests are about the
 * browser; the server's contract has its own tests in tests/contract.
 */
export function checkReceived(page, label = '') {
  const bad = invalidReceived(page);
  if (!bad.length) return;
  const seen = new Set();
  for (const b of bad) {
    const line = `PROTOCOL: ${label} server frame does not match its schema: ${JSON.stringify(b.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? b.error)} in ${String(b.frame).slice(0, 200)}`;
    if (!seen.has(line)) { seen.add(line); console.log(line); }
  }
  if (process.env.PLENARY_E2E_STRICT === '1') throw new Error(`${bad.length} server frames do not match protocols/schemas/server`);
}

/**
 * After a flow: no console errors, every frame sent matches the client schemas, no error
 * replies (but the codes `allowed`), and the frames received are checked (checkReceived).
 */
export function checkPage(p, label, allowed = []) {
  assert.deepEqual(p.errors, [], `${label}: console errors`);
  assert.deepEqual(invalidFrames(p), [], `${label}: frames sent match the client schemas`);
  assert.deepEqual(errorReplies(p, allowed).map((m) => `${m.code}: ${m.message}`), [], `${label}: error replies`);
  checkReceived(p, label);
}

/** Error replies the page received, except the codes listed. */
export function errorReplies(page, allowed = []) {
  return page.received.filter((m) => m.type === 'error' && !allowed.includes(m.code));
}

export async function loginWithCode(page, code) {
  await page.goto(page.url().split('#')[0] + '#/join');
  await page.getByLabel(/Access code|رمز الدخول|Código de acceso|Code d'accès|Código de acesso/).fill(code);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/#\/forum\/\d+$/);
  await page.locator('#programme-h').waitFor();
}

export async function closeAll(pages) {
  for (const p of pages) await p?.context().close().catch(() => {});
}

/** axe-core violations on the current page (WCAG 2.0/2.1 A and AA rules). */
export async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
  });
  return result;
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** A small protocol client over `ws`, to set things up and to check the server's state. */
export class WsClient {
  static async connect(url) {
    const c = new WsClient();
    c.ws = new WebSocket(url);
    c.next = 1;
    c.pending = new Map();
    c.pushes = [];
    c.ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if ((m.type === 'ok' || m.type === 'error') && c.pending.has(m.re)) {
        const { resolve, reject } = c.pending.get(m.re);
        c.pending.delete(m.re);
        if (m.type === 'ok') resolve(m);
        else reject(Object.assign(new Error(`${m.code}: ${m.message}`), { code: m.code, reply: m }));
      } else c.pushes.push(m);
    });
    await new Promise((resolve, reject) => { c.ws.once('open', resolve); c.ws.once('error', reject); });
    await c.request('hello', { protocol: 1, lang: 'en' });
    return c;
  }

  request(type, fields = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ type, id, ...fields }));
    });
  }

  async forumId() {
    const r = await this.request('forum.list');
    return r.forums[0].id;
  }

  async login(code) {
    const forum = await this.forumId();
    return this.request('login', { forum, code });
  }

  close() { this.ws.close(); }
}

/** A protocol client logged in with `code` (an organiser's), with the forum, its forum.get and its first declaration. */
export async function organiserSession(server, code) {
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(code);
  const data = await ws.request('forum.get', { forum });
  const declId = (await ws.request('declaration.list', { forum })).declarations[0].id;
  return { ws, forum, data, declId };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn until it returns a truthy value (or throw after timeout). */
export async function until(fn, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    last = await fn();
    if (last) return last;
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${message}; last value: ${JSON.stringify(last)}`);
}

// Touch targets every view must keep at 44 px or more at 360 px wide.
export const TOUCH_TARGETS = 'button, .button-link, input:not([type=checkbox]):not([type=radio]), select, textarea, .nav-list a';

/**
 * One view at 1280 px and 360 px: `ready(page)` brings it up; then axe finds no violations, at
 * 360 px nothing scrolls sideways and every visible `targets` element is at least 44 px both
 * ways, `placeholder` (a RegExp, if given) does not match the main text, a screenshot is saved;
 * finally no console errors, and every frame sent and received matches the schemas.
 */
export async function checkView(page, name, ready, { targets = TOUCH_TARGETS, placeholder = null } = {}) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    await ready(page);
    await page.waitForTimeout(150);
    if (placeholder) {
      const text = await page.locator('main').innerText();
      assert.doesNotMatch(text, placeholder, `${name}: placeholder text`);
    }
    const violations = await axe(page);
    assert.deepEqual(violations, [], `axe violations on ${name} at ${width}px:\n${JSON.stringify(violations, null, 1)}`);
    if (width === 360) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} scrolls sideways at 360px by ${overflow}px`);
      const small = await page.evaluate((sel) => [...document.querySelectorAll(sel)]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height, w: el.getBoundingClientRect().width }))
        .filter((r) => r.h < 44 || r.w < 44), targets);
      assert.deepEqual(small, [], `${name}: touch targets under 44px`);
    }
    await screenshot(page, `${name}-${width}`);
  }
  assert.deepEqual(page.errors, [], `console errors on ${name}`);
  assert.deepEqual(invalidFrames(page), [], `frames sent on ${name} match the client schemas`);
  checkReceived(page, name);
}
