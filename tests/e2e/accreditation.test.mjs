// (2) A delegate registers; the organiser (another browser context) sees the registration
// arrive live in the console and accredits it; the delegate sees the status change live.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkReceived, closeAll, errorReplies, invalidFrames, launch, loginWithCode, openPage, WsClient } from './helpers.mjs';
import { demoLogin, missing, seed, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('registration arrives live at the organiser, who accredits it; the delegate sees it', { skip }, async () => {
  const organiser = await openPage(browser, server);
  const delegate = await openPage(browser, server, { width: 360, height: 800 });
  try {
    await loginWithCode(organiser, demoLogin('organiser').code);
    await organiser.getByRole('link', { name: 'Organiser console' }).click();
    await organiser.locator('h1', { hasText: 'Organiser console' }).waitFor();
    await organiser.locator('#queue-h').waitFor();

    const name = `Nadia Haddad ${Date.now() % 100000}`;
    await delegate.goto(`${server.url}/#/join`);
    await delegate.getByRole('button', { name: 'Register' }).click();
    await delegate.getByLabel('Your name').fill(name);
    await delegate.getByLabel('Email').fill(`nadia.${Date.now()}@example.org`);
    await delegate.getByLabel('Password').fill('solidarity-2026');
    const orgName = seed.organisations[0].name;
    const orgSelect = delegate.getByLabel('Organisation', { exact: true });
    await orgSelect.locator('option', { hasText: orgName }).waitFor({ state: 'attached' });
    await orgSelect.selectOption(await orgSelect.locator('option', { hasText: orgName }).getAttribute('value'));
    await delegate.getByLabel('Country', { exact: true }).selectOption('MA');
    await delegate.getByLabel('Region').selectOption('Africa');
    await delegate.getByLabel('Arabic').check();
    await delegate.getByLabel('French').check();
    await delegate.getByLabel('Gender').selectOption('woman');
    await delegate.getByRole('button', { name: 'Register' }).last().click();
    await delegate.waitForURL(/#\/forum\/\d+$/);
    await delegate.locator('#my-accreditation .badge-registered').waitFor();

    // The organiser's queue shows the newcomer without a reload.
    const card = organiser.locator('li.delegate-card', { hasText: name });
    await card.waitFor({ timeout: 10000 });
    assert.match(await card.innerText(), new RegExp(orgName));
    await card.getByRole('button', { name: `Accredit ${name}` }).click();
    await card.waitFor({ state: 'detached' });
    await organiser.locator('.decided', { hasText: name }).waitFor();

    // The delegate sees the new status, live.
    await delegate.locator('#my-accreditation .badge-accredited').waitFor({ timeout: 10000 });
    assert.match(await delegate.locator('#my-accreditation').innerText(), /Accredited/);

    for (const p of [organiser, delegate]) {
      assert.deepEqual(p.errors, [], 'no console errors');
      assert.deepEqual(invalidFrames(p), [], 'frames match the client schemas');
      checkReceived(p, 'accreditation');
      assert.deepEqual(errorReplies(p), [], 'no error replies');
    }
  } finally {
    await closeAll([organiser, delegate]);
  }
});

test('an organiser ends a session: the person is told and sent back to the join page', { skip }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  const page = await openPage(browser, server);
  try {
    await ws.login(demoLogin('organiser').code);
    await loginWithCode(page, demoLogin('observer').code);
    const me = page.received.find((m) => m.type === 'ok' && m.token)?.delegate;
    assert.ok(me, 'the login reply names the delegate');
    await ws.request('session.revoke', { delegate: me.id });
    await page.waitForURL(/#\/join$/, { timeout: 10000 });
    await page.locator('#alerts', { hasText: 'An organiser has ended your session.' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('plenary.token')), null, 'token forgotten');
    await page.getByRole('link', { name: 'Log in or register' }).waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    ws.close();
    await closeAll([page]);
  }
});
