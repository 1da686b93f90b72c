// (f)/(g) for the amendments, voting and floor views: axe-core finds no WCAG 2.1 A/AA
// violations at 1280 px and 360 px, no sideways scrolling and no touch target under 44 px at
// 360 px, and screenshots go to tests/e2e/screenshots/ — for the declaration with an amendment
// and the tabling form, the ballot (open, confirm, result), the room with the speakers' list and
// a running timer, and the organiser's tools. Also in Arabic: right-to-left, translated.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkView, closeAll, launch, loginWithCode, openPage, TOUCH_TARGETS, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser; let declId; let plenary; let clause; let ws; let poll; let voter;

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const f = await ws.request('forum.get', { forum });
  plenary = f.plenary;
  declId = (await ws.request('declaration.list', { forum })).declarations[0].id;
  const decl = (await ws.request('declaration.get', { declaration: declId })).declaration;
  clause = decl.clauses.find((c) => c.kind === 'clause');
  await ws.request('declaration.phase', { declaration: declId, phase: 'amendments' });
  // Access codes are single use: each test signs in with a fresh one.
  let n = 0;
  voter = async () => (await ws.request('access_code.create', { forum, role: 'delegate', name: `Amina Diallo ${++n}`, organisation: f.organisations[n % 5].id })).code;
  // An amendment by the demo delegate, so that lists are not empty.
  const d = await WsClient.connect(server.wsUrl);
  await d.login(demoLogin('delegate').code);
  const doc = await d.request('doc.open', { doc: clause.docs[decl.original] });
  await d.request('amendment.table', { declaration: declId, kind: 'modify', clause: clause.id, lang: decl.original, base_revision: doc.rev,
    op: [[...doc.text].length, ' in law and in practice'], justification: 'Rights on paper are not enough.' });
  d.close();
  await ws.request('room.join', { room: plenary });
  poll = (await ws.request('poll.create', { room: plenary, method: 'yes_no_abstain', secret: true, threshold: 'two_thirds', quorum: { kind: 'fraction', p: 1, q: 2 },
    question: 'Should the assembly meet again next year?' })).poll;
});
after(async () => { ws?.close(); await browser?.close(); await server?.stop(); });

// No placeholder leaks ("undefined", "NaN", a bare "false") and no untranslated keys; the
// ballot's choices and disclosure summaries are touch targets too.
const check = (page, name, ready) => checkView(page, name, ready, {
  targets: `${TOUCH_TARGETS}, .choice label, summary`,
  placeholder: /\bundefined\b|\bNaN\b|\bfalse\b|\b(amend|poll|vote|floor|triage|result|outcome|amstate|pollstate)\.[a-z]/,
});

test('view: declaration with amendments and the tabling form', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, await voter());
    await page.goto(`${server.url}/#/declaration/${declId}`);
    const art = page.locator(`article[data-clause="${clause.id}"]`);
    await art.locator('li.amendment').first().waitFor();
    await art.getByRole('button', { name: /^Propose an amendment: / }).click();
    const ed = art.locator('form.amend-form textarea').first();
    await ed.fill(`${await ed.inputValue()} now`);
    await check(page, 'amendments', async (p) => { await p.locator('[data-preview] ins').first().waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: ballot on a phone, then its confirmation', { skip }, async () => {
  const page = await openPage(browser, server, { width: 360, height: 780 });
  try {
    await loginWithCode(page, await voter());
    await page.goto(`${server.url}/#/room/${plenary}`);
    await page.locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
    await ws.request('poll.open', { poll: poll.id });
    await page.locator(`li.poll-line[data-poll="${poll.id}"] a`, { hasText: 'Vote now' }).click();
    await check(page, 'ballot', async (p) => { await p.locator('.choice').first().waitFor(); });
    await page.getByLabel('Abstain', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await check(page, 'ballot-confirm', async (p) => { await p.getByRole('button', { name: 'Cast my ballot' }).waitFor(); });
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.locator('#ballot-done').waitFor();
    await ws.request('poll.close', { poll: poll.id });
    await ws.request('poll.publish', { poll: poll.id });
    await check(page, 'ballot-result', async (p) => { await p.locator('section.result').waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: room with the speakers\' list and a running timer', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('delegate').code);
    await page.goto(`${server.url}/#/room/${plenary}`);
    await page.locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
    await page.getByRole('button', { name: 'Ask to speak' }).click();
    await page.locator('.speaker-queue li', { hasText: 'you, number 1' }).waitFor();
    await ws.request('speakers.limit', { room: plenary, seconds: 120 });
    await ws.request('speakers.next', { room: plenary });
    await check(page, 'room-speakers', async (p) => { await p.locator('.clock:not([hidden])').waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: organiser tools (triage, polls, floor)', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await page.goto(`${server.url}/#/console`);
    await page.locator('#triage li.amendment').first().waitFor();
    await page.locator('summary', { hasText: 'New poll' }).click();
    await check(page, 'console-votes', async (p) => { await p.locator('.speaker-controls button').first().waitFor(); });
  } finally { await closeAll([page]); }
});

test('view: ballot and speakers\' list in Arabic, right to left', { skip }, async () => {
  const page = await openPage(browser, server, { locale: 'ar', width: 360, height: 780 });
  try {
    await page.evaluate(() => localStorage.setItem('plenary.lang', 'ar'));
    await page.reload();
    await page.locator('html[dir=rtl]').waitFor();
    await loginWithCode(page, await voter());
    await page.goto(`${server.url}/#/room/${plenary}`);
    await page.locator('.speakers h2', { hasText: 'قائمة المتحدثين' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await check(page, 'room-speakers-ar', async (p) => { await p.getByRole('button', { name: 'طلب الكلمة' }).waitFor(); });
  } finally { await closeAll([page]); }
});
