// (6) axe-core finds no WCAG 2.1 A/AA violations on each view, at 1280 px and at 360 px;
// (7) screenshots of each view at 360 px and 1280 px go to tests/e2e/screenshots/.
// Also: no console errors, every frame sent matches the client schemas, no horizontal
// scrolling at 360 px, and touch targets (buttons, links styled as buttons, inputs) >= 44 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkView, closeAll, launch, loginWithCode, openPage, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser; let declId; let roomPath;
before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  // A registration waiting in the organiser's queue, and the declaration's id.
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  const f = await ws.request('forum.get', { forum });
  roomPath = `/#/workshop/${f.programme.slots[0].workshops[0].id}`;
  await ws.request('register', {
    forum, name: 'Tomás Quispe Mamani', email: `tomas.${Date.now()}@example.org`, password: 'ayni-madrid-2026',
    organisation: f.organisations[0].id, country: 'ES', region: 'Europe', languages: ['es', 'qu'],
  });
  const login = await ws.request('login', { forum, code: demoLogin('delegate').code });
  assert.ok(login.token);
  declId = (await ws.request('declaration.list', { forum })).declarations[0].id;
  ws.close();
});
after(async () => { await browser?.close(); await server?.stop(); });

const check = (page, name, ready) => checkView(page, name, ready);

const h1 = (text) => async (page) => { await page.locator('h1', { hasText: text }).waitFor(); };

test('view: join', { skip }, async () => {
  const page = await openPage(browser, server, { path: '/#/join' });
  try {
    await check(page, 'join', h1('Join a forum'));
    await page.getByRole('button', { name: 'Register' }).click();
    await check(page, 'join-register', async (p) => { await p.getByLabel('Your name').waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: forum home', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await check(page, 'home', async (p) => { await p.locator('#decl-h').waitFor(); await p.locator('#decl-h + div a').first().waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: workshop room', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('delegate').code);
    await page.goto(server.url + roomPath);
    await check(page, 'room', async (p) => { await p.locator('#presence-list li').first().waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: organiser console', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await page.goto(`${server.url}/#/console`);
    await page.locator('li.delegate-card').first().waitFor();
    await page.getByLabel('Name on the badge').fill('Fatima Zahra Benali');
    await page.getByRole('button', { name: 'Create access code' }).click();
    await page.locator('#access-code').waitFor();
    assert.match(await page.locator('#access-code').innerText(), /\S{4,}/);
    await check(page, 'console', async (p) => { await p.locator('#access-code').waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: declaration (delegate, read only)', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('delegate').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    await check(page, 'declaration-read', async (p) => {
      await p.locator('article.clause .clause-text').first().waitFor();
      await p.waitForFunction(() => ![...document.querySelectorAll('.clause-text')].some((e) => e.querySelector('.loading')));
    });
    // Numbers: preamble paragraphs unnumbered, then Clause 1, 2, ...
    const titles = await page.locator('article.clause h3').allInnerTexts();
    const firstClause = titles.findIndex((t) => t.startsWith('Clause'));
    assert.ok(firstClause > 0, 'preamble first');
    assert.equal(titles[firstClause], 'Clause 1');
    assert.equal(titles[firstClause + 1], 'Clause 2');
  } finally { await closeAll([page]); }
});

test('view: declaration (drafting committee, editing)', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('drafting').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    await check(page, 'declaration-drafting', async (p) => {
      await p.locator('article.clause textarea:not([disabled])').first().waitFor();
      await p.getByRole('button', { name: 'Add a clause at the end' }).waitFor();
    });
  } finally { await closeAll([page]); }
});

test('view: declaration (translator, side by side, Spanish)', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('translator').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    await page.getByLabel('Language of the text').selectOption('es');
    await check(page, 'declaration-translator', async (p) => {
      await p.locator('.side-by-side textarea:not([disabled])').first().waitFor();
      await p.locator('article.clause .badge:not([hidden])').first().waitFor();
    });
  } finally { await closeAll([page]); }
});

test('view: Arabic join and forum home', { skip }, async () => {
  const page = await openPage(browser, server, { locale: 'ar', path: '/#/join' });
  try {
    await check(page, 'join-ar', h1('الانضمام إلى منتدى'));
    await loginWithCode(page, demoLogin('delegate').code);
    await check(page, 'home-ar', async (p) => { await p.locator('#programme-h').waitFor(); });
  } finally { await closeAll([page]); }
});
