// (4) Two drafting-committee members edit the same clause at the same time (both type); both
// textareas end with the same text, equal to the server's (checked with a fresh doc.open over
// a plain WebSocket). The typed text includes characters outside the BMP, so positions must be
// counted in code points.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, errorReplies, invalidFrames, checkReceived, launch, loginWithCode, openPage, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('concurrent typing in one clause converges to the server text', { skip }, async () => {
  // A second drafting-committee member, created from an access code by an organiser.
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const created = await ws.request('access_code.create', { forum, role: 'drafting', name: 'Kofi Boateng' });
  const decls = (await ws.request('declaration.list', { forum })).declarations;
  const decl = decls.find((d) => d.phase === 'drafting') || decls[0];
  const full = (await ws.request('declaration.get', { declaration: decl.id })).declaration;
  const clause = full.clauses[0];
  const docId = clause.docs[full.original];

  const a = await openPage(browser, server);
  const b = await openPage(browser, server, { width: 360, height: 800 });
  try {
    await loginWithCode(a, demoLogin('drafting').code);
    await loginWithCode(b, created.code);
    for (const p of [a, b]) {
      await p.goto(`${server.url}/#/declaration/${decl.id}`);
      await p.locator(`article[data-clause="${clause.id}"] textarea:not([disabled])`).waitFor();
    }
    const taA = a.locator(`article[data-clause="${clause.id}"] textarea`);
    const taB = b.locator(`article[data-clause="${clause.id}"] textarea`);
    const initial = await taA.inputValue();
    assert.equal(await taB.inputValue(), initial);

    // A types at the end, B at the start, at the same time.
    await taA.focus();
    await a.keyboard.press('Control+End');
    await taB.focus();
    await b.keyboard.press('Control+Home');
    const textA = ' Ratified by the assembly 🌍 ✊🏽.';
    const textB = 'Nous 𝒜 affirmons: ';
    await Promise.all([
      taA.pressSequentially(textA, { delay: 15 }),
      taB.pressSequentially(textB, { delay: 15 }),
    ]);
    // Both settle ("Saved") with identical text.
    const settled = await until(async () => {
      const [va, vb] = [await taA.inputValue(), await taB.inputValue()];
      const saved = (await a.locator(`article[data-clause="${clause.id}"] .sync-state`).innerText()) === 'Saved'
        && (await b.locator(`article[data-clause="${clause.id}"] .sync-state`).innerText()) === 'Saved';
      return saved && va === vb && va;
    }, { timeout: 20000, message: 'both textareas equal and saved' });
    assert.ok(settled.startsWith(textB), `B's text at the start: ${settled}`);
    assert.ok(settled.endsWith(textA), `A's text at the end: ${settled}`);
    assert.equal(settled, textB + initial + textA);

    // The server agrees.
    const fresh = await WsClient.connect(server.wsUrl);
    await fresh.login(demoLogin('organiser').code);
    const doc = await fresh.request('doc.open', { doc: docId });
    assert.equal(doc.text, settled, 'server text equals both textareas');
    fresh.close();

    // Others' cursors are shown by name.
    await taA.click();
    await b.locator(`article[data-clause="${clause.id}"] .cursors li`, { hasText: 'is editing here' }).waitFor({ timeout: 10000 });

    for (const p of [a, b]) {
      assert.deepEqual(p.errors, []);
      assert.deepEqual(invalidFrames(p), []);
      checkReceived(p, 'editing');
      assert.deepEqual(errorReplies(p), []);
    }
  } finally {
    ws.close();
    await closeAll([a, b]);
  }
});

test('typing with deletions while one editor loses the line still converges, nothing lost', { skip }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  const created = await ws.request('access_code.create', { forum, role: 'drafting', name: 'Lina Haddad' });
  const decl = (await ws.request('declaration.list', { forum })).declarations[0];
  const full = (await ws.request('declaration.get', { declaration: decl.id })).declaration;
  const clause = full.clauses[Math.min(4, full.clauses.length - 1)];
  const docId = clause.docs[full.original];
  const initial = (await ws.request('doc.open', { doc: docId })).text;
  const a = await openPage(browser, server);
  const b = await openPage(browser, server);
  try {
    await loginWithCode(a, demoLogin('drafting').code);
    await loginWithCode(b, created.code);
    const ta = (p) => p.locator(`article[data-clause="${clause.id}"] textarea`);
    for (const p of [a, b]) {
      await p.goto(`${server.url}/#/declaration/${decl.id}`);
      await p.locator(`article[data-clause="${clause.id}"] textarea:not([disabled])`).waitFor();
    }
    await ta(a).focus();
    await a.keyboard.press('Control+End');
    await ta(b).focus();
    await b.keyboard.press('Control+Home');
    for (let i = 0; i < 6; i++) await b.keyboard.press('ArrowRight');
    const typeA = (async () => {
      for (let i = 0; i < 30; i++) {
        await a.keyboard.type(i % 7 === 6 ? '🙂' : 'x', { delay: 5 });
        if (i % 5 === 4) await a.keyboard.press('Backspace');
      }
    })();
    const typeB = (async () => {
      for (let i = 0; i < 10; i++) await b.keyboard.type('y', { delay: 8 });
      await b.context().setOffline(true);
      for (let i = 0; i < 10; i++) await b.keyboard.type('z', { delay: 8 });
      await b.keyboard.press('Backspace');
      await b.waitForTimeout(500);
      await b.context().setOffline(false);
      for (let i = 0; i < 5; i++) await b.keyboard.type('w', { delay: 8 });
    })();
    await Promise.all([typeA, typeB]);
    const text = await until(async () => {
      const [va, vb] = [await ta(a).inputValue(), await ta(b).inputValue()];
      const vs = (await ws.request('doc.open', { doc: docId })).text;
      return va === vb && vb === vs && vs;
    }, { timeout: 20000, message: 'both textareas and the server agree' });
    const chars = [...initial];
    const expectedB = chars.slice(0, 6).join('') + 'y'.repeat(10) + 'z'.repeat(9) + 'w'.repeat(5);
    assert.ok(text.startsWith(expectedB), `B's typing kept in order: ${text.slice(0, 40)}`);
    // A typed 30 characters (every 7th an emoji) and deleted one after every fifth.
    let expectedA = '';
    for (let i = 0; i < 30; i++) { expectedA += i % 7 === 6 ? '🙂' : 'x'; if (i % 5 === 4) expectedA = [...expectedA].slice(0, -1).join(''); }
    assert.ok(text.endsWith(expectedA), `A's typing kept: ${text.slice(-40)}`);
    assert.equal([...text].length, chars.length + 24 + [...expectedA].length);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  } finally {
    ws.close();
    await closeAll([a, b]);
  }
});
