// (3) Two delegates join the same workshop room; each sees the other appear in the presence
// list, and disappear when one leaves (navigates away).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, errorReplies, invalidFrames, checkReceived, launch, loginWithCode, openPage } from './helpers.mjs';
import { missing, seed, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const delegates = seed.demo_logins.filter((l) => l.role === 'delegate' && l.code);
const nameOf = (key) => seed.delegates.find((d) => d.key === key).name;

test('two delegates in one workshop room see each other arrive and leave', { skip }, async () => {
  assert.ok(delegates.length >= 2, 'the seed has two delegate demo logins');
  const a = await openPage(browser, server);
  const b = await openPage(browser, server, { width: 360, height: 800 });
  try {
    const [la, lb] = delegates;
    await loginWithCode(a, la.code);
    await loginWithCode(b, lb.code);
    const title = seed.workshops[0].title.en;
    for (const p of [a, b]) {
      await p.getByRole('link', { name: `Enter the room: ${title}` }).click();
      await p.locator('h1', { hasText: title }).waitFor();
      await p.locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
    }
    const nameA = nameOf(la.delegate); const nameB = nameOf(lb.delegate);
    await a.locator('#presence-list li', { hasText: nameB }).waitFor();
    await b.locator('#presence-list li', { hasText: nameA }).waitFor();
    assert.equal(a.url(), b.url(), 'same room');

    // B leaves by navigating back to the programme.
    await b.getByRole('link', { name: 'Back to the programme' }).click();
    await b.locator('#programme-h').waitFor();
    await a.locator('#presence-list li', { hasText: nameB }).waitFor({ state: 'detached', timeout: 10000 });
    assert.equal(await a.locator('#presence-list li', { hasText: nameA }).count(), 1, 'A still sees herself');

    for (const p of [a, b]) {
      assert.deepEqual(p.errors, []);
      assert.deepEqual(invalidFrames(p), []);
      checkReceived(p, 'presence');
      assert.deepEqual(errorReplies(p), []);
    }
  } finally {
    await closeAll([a, b]);
  }
});
