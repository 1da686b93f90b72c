// The drafting committee's structure tools and the translator's tools, against the server:
// add a clause (numbers follow), move it up and down, delete it; a translator sees the
// original's changes since the last confirmation, confirms, and asks for a machine
// pre-translation; status badges follow. A reload keeps the session (token in localStorage).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkReceived, closeAll, errorReplies, invalidFrames, launch, loginWithCode, openPage, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser; let declId;
before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  const ws = await WsClient.connect(server.wsUrl);
  const forum = await ws.forumId();
  await ws.login(demoLogin('organiser').code);
  declId = (await ws.request('declaration.list', { forum })).declarations[0].id;
  ws.close();
});
after(async () => { await browser?.close(); await server?.stop(); });

const titles = (page) => page.locator('article.clause h3').allInnerTexts();

test('drafting: add, move and delete a clause; numbering follows; session survives a reload', { skip }, async () => {
  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('drafting').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    await page.locator('article.clause textarea:not([disabled])').first().waitFor();
    const before = await titles(page);
    const clauses = before.filter((x) => x.startsWith('Clause')).length;

    await page.getByRole('button', { name: 'Add a clause at the end' }).click();
    await until(async () => (await titles(page)).length === before.length + 1, { message: 'a new clause' });
    const after1 = await titles(page);
    assert.equal(after1[after1.length - 1], `Clause ${clauses + 1}`);
    const last = page.locator('article.clause').last();
    const newId = await last.getAttribute('data-clause');
    await last.locator('textarea:not([disabled])').waitFor();
    await last.locator('textarea').fill('We call for a global day of action for migrants’ rights.');
    await until(async () => (await last.locator('.sync-state').innerText()) === 'Saved', { message: 'saved' });

    // Move it up: it becomes the second to last clause, and is renumbered.
    await last.getByRole('button', { name: `Move up: Clause ${clauses + 1}` }).click();
    const moved = page.locator(`article[data-clause="${newId}"]`);
    await until(async () => (await moved.locator('h3').innerText()) === `Clause ${clauses}`, { message: 'moved up' });
    assert.equal(await moved.locator('textarea').inputValue(), 'We call for a global day of action for migrants’ rights.');
    await moved.getByRole('button', { name: `Move down: Clause ${clauses}` }).click();
    await until(async () => (await moved.locator('h3').innerText()) === `Clause ${clauses + 1}`, { message: 'moved down' });

    // Reload: still logged in, the text is there.
    await page.reload();
    await page.locator(`article[data-clause="${newId}"] textarea:not([disabled])`).waitFor();
    assert.equal(await page.locator(`article[data-clause="${newId}"] textarea`).inputValue(), 'We call for a global day of action for migrants’ rights.');

    // Delete it (two steps).
    const again = page.locator(`article[data-clause="${newId}"]`);
    await again.getByRole('button', { name: `Delete: Clause ${clauses + 1}` }).click();
    await again.getByRole('button', { name: 'Yes, delete' }).click();
    await again.waitFor({ state: 'detached' });
    assert.deepEqual(await titles(page), before);

    // A new section, and a clause in it.
    await page.getByLabel('Title of a new section').fill('Follow-up and monitoring');
    await page.getByRole('button', { name: 'Add a section' }).click();
    const head = page.locator('.section-head', { hasText: 'Follow-up and monitoring' });
    await head.waitFor();
    await head.getByRole('button', { name: /^Add a clause to this section/ }).click();
    await until(async () => (await titles(page)).length === before.length + 1, { message: 'a clause in the new section' });
    const inSection = page.locator('.section-head', { hasText: 'Follow-up and monitoring' }).locator('xpath=following-sibling::article[1]');
    await inSection.waitFor();
    assert.equal(await inSection.locator('h3').innerText(), `Clause ${clauses + 1}`);

    assert.deepEqual(page.errors, []);
    assert.deepEqual(invalidFrames(page), []);
    assert.deepEqual(errorReplies(page), []);
    checkReceived(page, 'drafting');
  } finally {
    await closeAll([page]);
  }
});

test('translator: changes since confirmation, confirm, machine pre-translation', { skip }, async () => {
  // The drafting committee changes the original of the first operative clause.
  const ws = await WsClient.connect(server.wsUrl);
  await ws.login(demoLogin('drafting').code);
  const decl = (await ws.request('declaration.get', { declaration: declId })).declaration;
  const clause = decl.clauses.find((c) => c.kind === 'clause');
  const orig = await ws.request('doc.open', { doc: clause.docs[decl.original] });
  await ws.request('doc.op', { doc: orig.doc, rev: orig.rev, op: [[...orig.text].length, ' Now.'], opid: `e2e-${Date.now()}` });

  const page = await openPage(browser, server);
  try {
    await loginWithCode(page, demoLogin('translator').code);
    await page.goto(`${server.url}/#/declaration/${declId}`);
    await page.getByLabel('Language of the text').selectOption('es');
    const art = page.locator(`article[data-clause="${clause.id}"]`);
    await art.locator('textarea:not([disabled])').waitFor();
    await art.locator('.badge', { hasText: 'Translation out of date' }).waitFor({ timeout: 10000 });
    assert.match(await art.locator('.side-by-side .col').first().innerText(), /Now\.$/);

    await art.getByRole('button', { name: 'Show changes in the original' }).click();
    await art.locator('.diff ins', { hasText: 'Now.' }).waitFor();

    await art.getByRole('button', { name: 'Confirm translation' }).click();
    await art.locator('.badge', { hasText: 'Translation up to date' }).waitFor();

    // The translator edits the translation live.
    const tr = art.locator('.side-by-side textarea');
    await tr.focus();
    await page.keyboard.press('Control+End');
    await tr.pressSequentially(' ¡Ya!', { delay: 10 });
    await until(async () => (await art.locator('.sync-state').innerText()) === 'Saved', { message: 'translation saved' });
    assert.ok((await ws.request('doc.open', { doc: clause.docs.es })).text.endsWith(' ¡Ya!'), 'server has the translation edit');

    await art.getByRole('button', { name: 'Machine pre-translate' }).click();
    // Either a machine translation arrives, or the server says it has none: both are shown.
    await Promise.race([
      art.locator('.badge', { hasText: 'Machine translation, not checked' }).waitFor({ timeout: 15000 }),
      page.locator('#alerts', { hasText: 'Machine translation is not available right now.' }).waitFor({ timeout: 15000 }),
    ]);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(invalidFrames(page), []);
    assert.deepEqual(errorReplies(page, ['translation_unavailable']), []);
    checkReceived(page, 'translator');
  } finally {
    ws.close();
    await closeAll([page]);
  }
});
