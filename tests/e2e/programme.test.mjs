// (1) An organiser logs in with a badge access code and sees the programme: every time slot,
// with its parallel workshops side by side (title, room, working language, interpretation,
// capacity), and the link to the plenary.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, errorReplies, invalidFrames, checkReceived, launch, loginWithCode, openPage } from './helpers.mjs';
import { demoLogin, missing, seed, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('organiser logs in with a badge code and sees the programme with parallel workshops', { skip }, async () => {
  const page = await openPage(browser, server, { width: 1280 });
  try {
    await loginWithCode(page, demoLogin('organiser').code);
    await page.locator('h1', { hasText: seed.forum.name.en }).waitFor();
    // The header offers the organiser console.
    await page.getByRole('link', { name: 'Organiser console' }).waitFor();

    const slots = page.locator('section.slot');
    assert.equal(await slots.count(), seed.slots.length, 'one section per time slot');
    for (let i = 0; i < seed.slots.length; i++) {
      const slot = slots.nth(i);
      assert.match(await slot.locator('h3').innerText(), new RegExp(seed.slots[i].name.en.split(' — ')[0]));
      const cards = slot.locator('li.workshop');
      const expected = seed.workshops.filter((w) => w.slot === seed.slots[i].key);
      assert.equal(await cards.count(), expected.length, `workshops in slot ${i + 1}`);
      // Side by side at 1280 px: the first two cards share a row.
      const a = await cards.nth(0).boundingBox();
      const b = await cards.nth(1).boundingBox();
      assert.ok(Math.abs(a.y - b.y) < 2 && Math.abs(a.x - b.x) > 100, `parallel workshops side by side: ${JSON.stringify([a, b])}`);
    }
    const first = seed.workshops[0];
    const card = page.locator('li.workshop', { hasText: first.title.en });
    const text = await card.innerText();
    const room = seed.rooms.find((r) => r.key === first.room);
    assert.match(text, new RegExp(room.name));
    assert.match(text, /Working language\s+English/);
    assert.match(text, /Interpretation\s+Spanish, French/);
    assert.match(text, new RegExp(`Places\\s+${first.capacity}`));
    await card.getByRole('link', { name: /Enter the room/ }).waitFor();
    await page.getByRole('link', { name: 'Go to the plenary' }).waitFor();
    // My status is shown.
    assert.match(await page.locator('#my-accreditation').innerText(), /Accredited/);

    assert.deepEqual(page.errors, [], 'no console errors');
    assert.deepEqual(invalidFrames(page), [], 'every frame sent matches protocols/schemas/client');
    checkReceived(page, 'programme');
    assert.deepEqual(errorReplies(page), [], 'no error replies');
  } finally {
    await closeAll([page]);
  }
});

test('email and password login; a wrong password is explained in plain language', { skip }, async () => {
  const page = await openPage(browser, server, { path: '/#/join' });
  try {
    const login = seed.demo_logins.find((l) => l.role === 'delegate' && l.email && l.password);
    await page.getByRole('button', { name: 'Email and password' }).click();
    await page.getByLabel('Email').fill(login.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.locator('form button[type=submit]').click();
    await page.locator('#alerts', { hasText: 'The code, email or password is not right.' }).waitFor();
    await page.getByLabel('Password').fill(login.password);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(/#\/forum\/\d+$/);
    await page.locator('#my-accreditation .badge-accredited').waitFor();
    // The view heading gets the focus after navigation.
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    assert.deepEqual(page.errors, []);
    assert.deepEqual(invalidFrames(page), []);
    assert.deepEqual(errorReplies(page, ['bad_credentials']), []);
  } finally {
    await closeAll([page]);
  }
});
