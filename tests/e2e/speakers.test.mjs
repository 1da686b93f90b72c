// Issue 4 (6) in browsers against the real server: the speakers' list of the plenary. Two
// delegates ask to speak, a third raises a point of order and goes to the head of the queue;
// the moderator (a delegate with the moderator role, in the room) sets a time limit and calls
// the next speaker; everyone sees the queue in calling order and the current speaker with a
// countdown; the speaker hears "You have the floor" and, when time runs out, a polite notice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkReceived, closeAll, errorReplies, invalidFrames, launch, loginWithCode, openPage, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser; let plenary;
const people = [];

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const f = await ws.request('forum.get', { forum });
  plenary = f.plenary;
  const names = ['Amina Diallo', 'Jorge Quispe', 'Lina Haddad'];
  for (let i = 0; i < names.length; i++) {
    const r = await ws.request('access_code.create', { forum, role: 'delegate', name: names[i], organisation: f.organisations[i].id });
    people.push({ code: r.code, name: names[i] });
  }
  ws.close();
});
after(async () => { await browser?.close(); await server?.stop(); });

const queueNames = (p) => p.locator('.speaker-queue li[data-delegate]').evaluateAll((ls) => ls.map((l) => l.querySelector('bdi').textContent));

test('speakers: request, a point of order jumps the queue, the moderator calls the next, the timer counts down', { skip, timeout: 120000 }, async () => {
  const pages = await Promise.all(people.map((_, i) => openPage(browser, server, i === 0 ? { width: 360, height: 740 } : {})));
  const mod = await openPage(browser, server);
  try {
    for (let i = 0; i < people.length; i++) await loginWithCode(pages[i], people[i].code);
    await loginWithCode(mod, demoLogin('organiser').code);
    for (const p of [...pages, mod]) {
      await p.goto(`${server.url}/#/room/${plenary}`);
      await p.locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
      await p.locator('.speakers h2', { hasText: "Speakers' list" }).waitFor();
    }
    const [a, b, c] = pages;
    await a.getByRole('button', { name: 'Ask to speak' }).click();
    await a.locator('.speaker-queue li', { hasText: 'you, number 1' }).waitFor();
    await b.getByRole('button', { name: 'Ask to speak' }).click();
    await until(async () => (await queueNames(mod)).join('|') === 'Amina Diallo|Jorge Quispe', { message: 'two requests in order' });
    // A point of order goes first.
    await c.getByRole('button', { name: 'Point of order' }).click();
    await until(async () => (await queueNames(mod)).join('|') === 'Lina Haddad|Amina Diallo|Jorge Quispe', { message: 'point of order first' });
    await a.locator('.speaker-queue li.poo-item', { hasText: 'Lina Haddad' }).locator('.badge', { hasText: 'Point of order' }).waitFor();
    await until(async () => (await queueNames(a)).join('|') === 'Lina Haddad|Amina Diallo|Jorge Quispe', { message: 'the same order on a phone' });

    // The moderator sets a 60 s limit and calls the next speaker: the point of order.
    await mod.getByLabel('Speaking time (seconds, 0 = no limit)').fill('60');
    await mod.getByRole('button', { name: 'Set the time' }).click();
    await mod.getByRole('button', { name: 'Next speaker' }).click();
    await c.locator('[role=alert]', { hasText: 'You have the floor.' }).waitFor();
    await a.locator('.speaker-now', { hasText: 'Lina Haddad' }).waitFor();
    await until(async () => (await queueNames(a)).join('|') === 'Amina Diallo|Jorge Quispe', { message: 'queue after next' });

    // Next: A speaks; every browser shows her and a countdown that goes down.
    await mod.getByRole('button', { name: 'Next speaker' }).click();
    await a.locator('[role=alert]', { hasText: 'You have the floor.' }).waitFor();
    for (const p of [a, b, mod]) {
      await p.locator('.speaker-now', { hasText: 'Amina Diallo' }).waitFor();
      await p.locator('.clock:not([hidden])').waitFor();
    }
    const first = await a.locator('.clock').innerText();
    assert.match(first, /\b[01]:\d\d$/);
    await until(async () => (await a.locator('.clock').innerText()) !== first, { timeout: 5000, message: 'the clock ticks' });
    const secs = (s) => { const m = s.match(/(\d+):(\d\d)$/); return Number(m[1]) * 60 + Number(m[2]); };
    assert.ok(secs(await a.locator('.clock').innerText()) < 60 && secs(await a.locator('.clock').innerText()) > 45);

    // A short limit for the next speaker: time runs out and the room is told politely.
    await mod.getByLabel('Speaking time (seconds, 0 = no limit)').fill('3');
    await mod.getByRole('button', { name: 'Set the time' }).click();
    await mod.getByRole('button', { name: 'Next speaker' }).click();
    await b.locator('[role=alert]', { hasText: 'You have the floor.' }).waitFor();
    await b.locator('[role=status]', { hasText: 'Your speaking time is up. Please conclude.' }).waitFor({ timeout: 10000 });
    await a.locator('[role=status]', { hasText: 'Speaking time is up for Jorge Quispe.' }).waitFor({ timeout: 10000 });
    assert.equal(await b.locator('.clock').innerText().then((s) => s.trim().endsWith('0:00')), true);

    // Withdraw: A asks again, then withdraws.
    await mod.getByRole('button', { name: 'End this speech' }).click();
    await a.getByRole('button', { name: 'Ask to speak' }).click();
    await a.locator('.speaker-queue li', { hasText: 'you, number 1' }).waitFor();
    await a.getByRole('button', { name: 'Withdraw my request' }).click();
    await a.locator('.speaker-queue li', { hasText: 'Nobody is waiting.' }).waitFor();

    for (const [i, p] of [...pages, mod].entries()) {
      assert.deepEqual(p.errors, [], `page ${i}: console errors`);
      assert.deepEqual(invalidFrames(p), [], `page ${i}: frames match the client schemas`);
      assert.deepEqual(errorReplies(p).map((m) => `${m.code}: ${m.message}`), [], `page ${i}: error replies`);
      checkReceived(p, `speakers ${i}`);
    }
  } finally {
    await closeAll([...pages, mod]);
  }
});
