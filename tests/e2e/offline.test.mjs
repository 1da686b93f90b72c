// Dropped lines: the service worker serves the app shell when the network is gone (a reload
// works offline), the connection state is shown in the status region, and an edit typed while
// the socket is down is delivered once, after reconnecting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, launch, loginWithCode, openPage, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a reload works offline from the service worker cache', { skip }, async () => {
  const page = await openPage(browser, server, { path: '/#/join' });
  try {
    await page.locator('h1', { hasText: 'Join a forum' }).waitFor();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload(); // now controlled by the service worker
    await page.locator('h1', { hasText: 'Join a forum' }).waitFor();
    await page.context().setOffline(true);
    await page.reload();
    await page.locator('#app-header').waitFor();
    await page.locator('#conn', { hasText: /Offline|Reconnecting/ }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#conn').getAttribute('role'), 'status');
    await page.context().setOffline(false);
    await page.locator('#conn', { hasText: 'Online' }).waitFor({ timeout: 20000 });
  } finally {
    await closeAll([page]);
  }
});

test('an edit typed while disconnected is sent once after reconnecting', { skip }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const decl = (await ws.request('declaration.list', { forum })).declarations[0];
  const full = (await ws.request('declaration.get', { declaration: decl.id })).declaration;
  const clause = full.clauses[full.clauses.length - 1];
  const docId = clause.docs[full.original];
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('drafting').code);
    await page.goto(`${server.url}/#/declaration/${decl.id}`);
    const ta = page.locator(`article[data-clause="${clause.id}"] textarea:not([disabled])`);
    await ta.waitFor();
    const before = await ta.inputValue();
    // The line drops: the client gives up the socket and shows it.
    await page.context().setOffline(true);
    await page.locator('#conn', { hasText: /Offline|Reconnecting/ }).waitFor();
    await ta.focus();
    await page.keyboard.press('Control+End');
    await ta.pressSequentially(' (offline edit)', { delay: 10 });
    await page.context().setOffline(false);
    await page.locator('#conn', { hasText: 'Online' }).waitFor({ timeout: 20000 });
    const expected = before + ' (offline edit)';
    await until(async () => (await ws.request('doc.open', { doc: docId })).text === expected, { timeout: 15000, message: 'server has the offline edit' });
    await page.waitForTimeout(1000);
    assert.equal((await ws.request('doc.open', { doc: docId })).text, expected, 'delivered exactly once');
    assert.equal(await ta.inputValue(), expected);
  } finally {
    ws.close();
    await closeAll([page]);
  }
});

test('an edit typed offline survives a reload while still offline, and is sent once back online', { skip }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const decl = (await ws.request('declaration.list', { forum })).declarations[0];
  const full = (await ws.request('declaration.get', { declaration: decl.id })).declaration;
  const clause = full.clauses[1];
  const docId = clause.docs[full.original];
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('drafting').code);
    await page.goto(`${server.url}/#/declaration/${decl.id}`);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload(); // controlled by the service worker from now on
    const ta = page.locator(`article[data-clause="${clause.id}"] textarea:not([disabled])`);
    await ta.waitFor();
    const before = await ta.inputValue();
    await page.context().setOffline(true);
    await page.locator('#conn', { hasText: 'Offline' }).waitFor();
    await ta.focus();
    await page.keyboard.press('Control+End');
    await ta.pressSequentially(' Adopted by acclamation.', { delay: 10 });
    await page.locator(`article[data-clause="${clause.id}"] .sync-state`, { hasText: 'Kept on this device' }).waitFor();
    await page.reload(); // still offline: the shell comes from the cache
    await page.locator('#conn', { hasText: 'Offline' }).waitFor();
    await page.context().setOffline(false);
    const expected = before + ' Adopted by acclamation.';
    await until(async () => (await ws.request('doc.open', { doc: docId })).text === expected, { timeout: 20000, message: 'the server has the edit' });
    await page.locator(`article[data-clause="${clause.id}"] textarea:not([disabled])`).waitFor();
    await until(async () => (await page.locator(`article[data-clause="${clause.id}"] textarea`).inputValue()) === expected, { message: 'the textarea shows it' });
    await page.waitForTimeout(1000);
    assert.equal((await ws.request('doc.open', { doc: docId })).text, expected, 'sent exactly once');
  } finally {
    ws.close();
    await closeAll([page]);
  }
});

test('the forum home (programme, my status) shows after a reload offline', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('delegate').code);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload();
    await page.locator('#programme-h').waitFor();
    const workshops = await page.locator('li.workshop').count();
    await page.context().setOffline(true);
    await page.reload();
    await page.locator('#programme-h').waitFor({ timeout: 15000 });
    assert.equal(await page.locator('li.workshop').count(), workshops, 'the programme from the last copy');
    assert.match(await page.locator('#my-accreditation').innerText(), /Accredited/);
    await page.locator('#conn', { hasText: 'Offline' }).waitFor();
    await page.context().setOffline(false);
    await page.locator('#conn', { hasText: 'Online' }).waitFor({ timeout: 20000 });
    await page.locator('#decl-h + div a').first().waitFor({ timeout: 10000 });
    assert.deepEqual(page.errors, []);
  } finally {
    await closeAll([page]);
  }
});
