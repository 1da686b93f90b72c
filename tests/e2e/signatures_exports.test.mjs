// Signatories and exports in browsers against the real server: (1) after the declaration is
// adopted, delegates of two organisations sign from two browsers and each sees the other's
// signature appear live; an organiser closes the list and the sign buttons disappear; (2) the
// rapporteur writes the workshop statement from their view and edits a clause live; (3) axe,
// 360/1280 px and screenshots of the signatories panel (also in Arabic), the rapporteur view
// and the console's exports; (4) with the export API (skipped on a server without it), the
// rapporteur downloads the statement as Markdown and the organiser the record of the forum, and
// the files' names and contents are checked.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkPage, checkView, closeAll, launch, loginWithCode, openPage, organiserSession, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, seed, startServer, useMock } from './server.mjs';

// The in-memory stand-in (PLENARY_MOCK=1) has neither signatures nor the export API.
const skip = missing() || (useMock && 'needs the real server (signatures, exports)') || false;
let server; let browser; let forum; let declId; let orgs; let networks;
const people = []; // [{code, name, organisation}]

// The demo rapporteur also reports on a second workshop, one without a statement yet.
const rapp = seed.demo_logins.find((l) => l.role === 'rapporteur' && l.code);
const statementOf = (w) => (seed.declarations || []).some((d) => d.workshop === w.key);
const seedDir = mkdtempSync(join(tmpdir(), 'plenary-sign-seed-'));
let workshop = null; // the rapporteur's workshop without a statement
// Whether this server has the export API (GET /api/export/...): without a token it answers 401
// with a JSON error; a server without it serves the app's page instead.
let exportApi = false;

before(async () => {
  if (skip) return;
  const variant = JSON.parse(JSON.stringify(seed));
  workshop = variant.workshops.find((w) => w.rapporteur !== rapp.delegate && !statementOf(w));
  workshop.rapporteur = rapp.delegate;
  const seedFile = join(seedDir, 'forum.json');
  writeFileSync(seedFile, JSON.stringify(variant));
  server = await startServer({ seedFile });
  browser = await launch();
  let f; let ws;
  ({ ws, forum, data: f, declId } = await organiserSession(server, demoLogin('organiser').code));
  orgs = f.organisations;
  networks = new Map(f.networks.map((n) => [n.id, n.name]));
  for (const phase of ['amendments', 'voting', 'adopted']) await ws.request('declaration.phase', { declaration: declId, phase });
  // Two delegates of two organisations that belong to networks, from access codes.
  const withNetworks = orgs.filter((o) => o.networks.length > 0);
  const names = ['Amaru Condori', 'Nadia Benjelloun', 'Observer of the list'];
  for (let i = 0; i < 2; i++) {
    const r = await ws.request('access_code.create', { forum, role: 'delegate', name: names[i], organisation: withNetworks[i].id });
    people.push({ code: r.code, name: names[i], organisation: withNetworks[i] });
  }
  ws.close();
  const probe = await fetch(`${server.url}/api/export/forum/${forum}/record?format=html`);
  exportApi = probe.status === 401 && /json/.test(probe.headers.get('content-type') || '');
});
after(async () => { await browser?.close(); await server?.stop(); rmSync(seedDir, { recursive: true, force: true }); });

const signatories = (page) => page.locator('#signatories li .signatory-name').allInnerTexts();

test('two delegates sign from two browsers and see each other live; the organiser closes the list', { skip, timeout: 120000 }, async () => {
  const [pa, pb] = people;
  const a = await openPage(browser, server);
  const b = await openPage(browser, server, { width: 360, height: 780 });
  const org = await openPage(browser, server);
  try {
    await loginWithCode(a, pa.code);
    await loginWithCode(b, pb.code);
    await loginWithCode(org, demoLogin('organiser').code);
    for (const p of [a, b, org]) {
      await p.goto(`${server.url}/#/declaration/${declId}`);
      await p.locator('#signatures .sign-state').waitFor();
    }
    assert.match(await a.locator('#signatures').innerText(), /Open for signatures/);
    assert.match(await a.locator('#signatures').innerText(), /The forum itself does not sign/);
    assert.deepEqual(await signatories(a), []);

    // A signs for their organisation; B sees it appear without reloading.
    await a.getByRole('button', { name: `Sign for ${pa.organisation.name}` }).click();
    await until(async () => (await signatories(b)).includes(pa.organisation.name), { message: 'B sees A\'s signature' });
    assert.deepEqual(await signatories(a), [pa.organisation.name]);
    await a.getByRole('button', { name: `Withdraw the signature of ${pa.organisation.name}` }).waitFor();
    // The polite live region told B.
    await until(async () => (await b.locator('main [role=status][aria-live=polite]').allInnerTexts()).some((t) => t.includes(`${pa.organisation.name} signed`)),
      { message: 'announcement on B' });

    // B signs for their organisation and for one of its networks; A sees both, in order.
    await b.getByRole('button', { name: `Sign for ${pb.organisation.name}` }).click();
    const net = networks.get(pb.organisation.networks[0]);
    await b.getByRole('button', { name: `Sign for the network ${net}` }).click();
    await until(async () => (await signatories(a)).length === 3, { message: 'A sees B\'s two signatures' });
    assert.deepEqual(await signatories(a), [pa.organisation.name, pb.organisation.name, net]);
    assert.match(await a.locator('#sign-count').innerText(), /3 signatories/);
    assert.match(await a.locator('#signatories').innerText(), new RegExp(`signed by ${pb.name}`));

    // The organiser sees the list and closes it; the sign buttons disappear everywhere.
    await until(async () => (await signatories(org)).length === 3, { message: 'the organiser sees three' });
    assert.equal(await org.locator('[data-act=sign]').count(), 0, 'an organiser (not a delegate) has no sign button');
    await org.getByRole('button', { name: 'Close the signature list' }).click();
    await org.getByRole('button', { name: 'Reopen the signature list' }).waitFor();
    for (const p of [a, b]) {
      await until(async () => (await p.locator('#signatures .sign-state').innerText()).includes('closed'), { message: 'closed shown' });
      await until(async () => (await p.locator('#signatures [data-act]').count()) === 0, { message: 'sign buttons gone' });
    }
    assert.deepEqual(await signatories(b), [pa.organisation.name, pb.organisation.name, net]);
    for (const [p, label] of [[a, 'A'], [b, 'B'], [org, 'organiser']]) checkPage(p, label);
  } finally { await closeAll([a, b, org]); }
});

test('view: declaration with signatories (delegate, 1280 and 360 px)', { skip, timeout: 60000 }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('delegate').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    const ready = async (p) => {
      await p.locator('#signatories li').first().waitFor();
      await p.waitForFunction(() => ![...document.querySelectorAll('.clause-text')].some((e) => e.querySelector('.loading')));
    };
    await checkView(page, 'declaration-signatories', ready);
    // In Arabic, right to left.
    await page.selectOption('#ui-lang', 'ar');
    await page.locator('#sign-h', { hasText: 'الموقِّعون' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await checkView(page, 'declaration-signatories-ar', ready);
  } finally { await closeAll([page]); }
});

test('view: organiser console exports', { skip, timeout: 60000 }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await page.goto(`${server.url}/#/console`);
    await checkView(page, 'console-exports', async (p) => {
      await p.locator('.record-panel button').first().waitFor();
      await p.locator('.export-panel form').waitFor();
    });
  } finally { await closeAll([page]); }
});

let statement = null; // {id, text, original}: the rapporteur's statement, for the export test

test('the rapporteur writes the workshop statement from their view and edits it live', { skip, timeout: 120000 }, async () => {
  const page = await openPage(browser, server, { width: 360, height: 780 });
  try {
    await loginWithCode(page, rapp.code);
    await page.getByRole('link', { name: 'Rapporteur' }).click();
    await page.waitForURL(/#\/rapporteur$/);
    await checkView(page, 'rapporteur', async (p) => { await p.locator('.rapp-workshop').first().waitFor(); });
    // Every workshop of the rapporteur has a card: those with a statement link to it.
    const mine = seed.workshops.filter((w) => w.rapporteur === rapp.delegate || w.key === workshop.key);
    assert.equal(await page.locator('.rapp-workshop').count(), mine.length);
    for (const w of mine.filter(statementOf)) {
      await page.locator('.rapp-workshop', { hasText: w.title.en }).getByRole('link', { name: /the statement/ }).waitFor();
    }
    const card = page.locator('.rapp-workshop', { hasText: workshop.title.en });
    await card.getByRole('button', { name: 'Write the workshop statement' }).click();
    await page.waitForURL(/#\/declaration\/\d+$/);
    const id = Number(page.url().match(/declaration\/(\d+)$/)[1]);
    // The statement is written in the workshop's working language (its original).
    const original = workshop.working_language;
    await page.locator('#content-lang').selectOption(original);
    // The same editor as the drafting committee's: add a clause, type into it.
    await page.getByRole('button', { name: 'Add a clause at the end' }).click();
    const ta = page.locator('article.clause textarea:not([disabled])').first();
    await ta.waitFor();
    const text = 'Nadie debe verse obligado a migrar: el derecho a quedarse es un derecho humano.';
    await ta.click();
    await ta.pressSequentially(text, { delay: 5 });
    // The server has the text, in a declaration of the workshop.
    const ws = await WsClient.connect(server.wsUrl);
    await ws.login(demoLogin('organiser').code);
    const decl = (await ws.request('declaration.get', { declaration: id })).declaration;
    assert.equal(decl.original, original);
    const workshops = (await ws.request('forum.get', { forum })).programme.slots.flatMap((s) => s.workshops);
    assert.equal(decl.workshop, workshops.find((w) => w.title.en === workshop.title.en).id);
    await until(async () => (await ws.request('doc.open', { doc: decl.clauses[0].docs[decl.original] })).text === text,
      { message: 'the clause text is stored' });
    ws.close();
    // Back in the rapporteur's view, the workshop now links to its statement and offers exports.
    await page.getByRole('link', { name: 'Rapporteur' }).click();
    await page.locator('.rapp-workshop .export-panel').first().waitFor();
    await card.getByRole('link', { name: 'Edit the statement' }).waitFor();
    checkPage(page, 'rapporteur');
    statement = { id, text, original: decl.original };
  } finally { await closeAll([page]); }
});

test('the rapporteur downloads an export of the statement', { skip, timeout: 120000 }, async (t) => {
  if (!exportApi) { t.skip('this server has no export API'); return; }
  assert.ok(statement, 'the statement was written by the previous test');
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, rapp.code);
    await page.goto(`${server.url}/#/declaration/${statement.id}`);
    // Markdown in the original language, with the signatories annex.
    const panel = page.locator('.export-panel');
    await panel.getByLabel('Format').selectOption('md');
    await panel.getByLabel('Language').selectOption(statement.original);
    await panel.getByLabel('Signatories').check();
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download' }).click()]);
    const name = download.suggestedFilename();
    assert.match(name, /\.md$/, `file name ${name}`);
    const body = readFileSync(await download.path(), 'utf8');
    assert.ok(body.includes(statement.text), `the export holds the clause text:\n${body.slice(0, 500)}`);
    await panel.locator('.export-status', { hasText: name }).waitFor();
    checkPage(page, 'rapporteur export');
  } finally { await closeAll([page]); }
});

test('the organiser downloads the record of the forum from the console', { skip, timeout: 120000 }, async (t) => {
  if (!exportApi) { t.skip('this server has no export API'); return; }
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await page.goto(`${server.url}/#/console`);
    const panel = page.locator('.record-panel');
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download the record (HTML)' }).click()]);
    const name = download.suggestedFilename();
    assert.match(name, /\.html$/, `file name ${name}`);
    const body = readFileSync(await download.path(), 'utf8');
    assert.match(body, /<html/i);
    // The record of this forum, with its programme.
    assert.ok(body.includes(seed.workshops[0].title.en), 'the record lists the programme');
    await panel.locator('.export-status', { hasText: name }).waitFor();
    checkPage(page, 'record');
  } finally { await closeAll([page]); }
});
