// Issue 4, flow (b), in browsers against the real server: a delegate tables an amendment from
// a clause with a live word-diff preview and invites another organisation, whose delegate
// co-sponsors (and confirms again after the proposer edits); an organiser rules it admissible,
// puts it on the voting list, creates and opens a poll; three delegates vote from phone-sized
// viewports while the count of ballots updates live; the organiser closes and publishes; every
// browser shows the result, and the adopted amendment's change appears in the clause text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkPage, closeAll, launch, loginWithCode, openPage, organiserSession, until, WsClient } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser; let forum; let declId; let plenary; let clause; let clauseText; let orgs;
const people = []; // [{code, name, organisation}]

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  let f; let ws;
  ({ ws, forum, data: f, declId } = await organiserSession(server, demoLogin('organiser').code));
  plenary = f.plenary;
  orgs = f.organisations;
  const decl = (await ws.request('declaration.get', { declaration: declId })).declaration;
  await ws.request('declaration.phase', { declaration: declId, phase: 'amendments' });
  clause = decl.clauses.find((c) => c.kind === 'clause');
  clauseText = (await ws.request('doc.open', { doc: clause.docs[decl.original] })).text;
  // Three voting delegates of three organisations, from access codes.
  const names = ['Amina Diallo', 'Jorge Quispe', 'Lina Haddad'];
  for (let i = 0; i < 3; i++) {
    const r = await ws.request('access_code.create', { forum, role: 'delegate', name: names[i], organisation: orgs[i].id });
    people.push({ code: r.code, name: names[i], organisation: orgs[i] });
  }
  ws.close();
});
after(async () => { await browser?.close(); await server?.stop(); });

test('amendment tabled with a diff preview, co-sponsored, admitted, voted from phones, published and applied', { skip, timeout: 180000 }, async () => {
  const [pa, pb, pc] = people;
  const a = await openPage(browser, server);
  const b = await openPage(browser, server);
  const org = await openPage(browser, server);
  const c = await openPage(browser, server, { width: 360, height: 740 });
  const phones = [a, b, c]; // access codes are single use: the same sessions vote, on phone-sized viewports
  try {
    await loginWithCode(a, pa.code);
    await loginWithCode(b, pb.code);
    await loginWithCode(org, demoLogin('organiser').code);

    // ---- A tables an amendment from clause 1, watching the word diff of the edit. ----
    await a.goto(`${server.url}/#/declaration/${declId}`);
    const art = a.locator(`article[data-clause="${clause.id}"]`);
    await art.locator('.clause-text').filter({ hasNotText: 'Loading' }).waitFor();
    await until(async () => (await art.locator('.clause-text').innerText()).trim() === clauseText.trim(), { message: 'clause text loaded' });
    await art.getByRole('button', { name: 'Propose an amendment: Clause 1' }).click();
    const form = art.locator('form.amend-form');
    const editor = form.getByLabel('Your text for Clause 1');
    assert.equal(await editor.inputValue(), clauseText, 'the editor starts from the clause text');
    const words = clauseText.split(' ');
    // Replace the clause's first word and add a phrase at the end.
    const edited = ['Firmly', ...words.slice(1)].join(' ') + ' without delay';
    await editor.fill(edited);
    const preview = form.locator('[data-preview]');
    await preview.locator('ins', { hasText: 'Firmly' }).waitFor();
    await preview.locator('ins', { hasText: 'without delay' }).waitFor();
    // (Screen readers also hear "[removed: …]" and "[added: …]" from visually hidden text.)
    const shown = (loc) => loc.evaluate((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''));
    assert.equal(await shown(preview.locator('del').first()), words[0], 'the removed word is shown as deleted');
    await form.locator('[role=status]', { hasText: 'Words removed: 1 · added: 3' }).waitFor();
    await form.getByLabel('Justification').fill('Stronger wording, and a time frame.');
    assert.match(await form.innerText(), new RegExp(`Tabled on behalf of: ${pa.organisation.name}`));
    await form.getByRole('button', { name: 'Table the amendment' }).click();
    const cardA = art.locator('li.amendment').first();
    await cardA.locator('.badge', { hasText: 'Tabled' }).waitFor();
    const amendmentId = await cardA.getAttribute('data-amendment');
    assert.ok(amendmentId);
    await cardA.locator('.diff ins', { hasText: 'Firmly' }).waitFor();

    // A invites B's organisation to co-sponsor.
    await cardA.getByLabel('Invite an organisation to co-sponsor').selectOption(String(pb.organisation.id));
    await cardA.getByRole('button', { name: 'Invite', exact: true }).click();
    await cardA.locator('.sponsor', { hasText: pb.organisation.name }).locator('.badge', { hasText: 'invited, not yet confirmed' }).waitFor();

    // ---- B co-sponsors; then A edits and B must confirm the new version. ----
    await b.goto(`${server.url}/#/declaration/${declId}`);
    const cardB = b.locator(`li.amendment[data-amendment="${amendmentId}"]`);
    await cardB.getByRole('button', { name: 'Co-sponsor this amendment' }).click();
    await cardB.locator('.sponsor .badge', { hasText: 'confirmed' }).waitFor();
    await cardA.locator('.sponsor .badge', { hasText: /^confirmed$/ }).waitFor({ timeout: 10000 });

    await cardA.getByRole('button', { name: 'Edit' }).click();
    const editForm = art.locator('form.amend-form');
    await editForm.getByLabel('Your text for Clause 1').fill(edited + ' and in full');
    await editForm.getByRole('button', { name: 'Save the changes' }).click();
    await cardA.locator('.hint', { hasText: 'version 2' }).waitFor();
    // B is told, clearly, and confirms again.
    await cardB.locator('.warn-box', { hasText: 'you confirmed version 1, it is now version 2' }).waitFor({ timeout: 10000 });
    await cardB.locator('.badge', { hasText: 'must confirm version 2 again' }).waitFor();
    await cardB.getByRole('button', { name: 'Confirm support for version 2' }).click();
    await cardB.locator('.warn-box').waitFor({ state: 'detached' });
    await cardB.locator('.sponsor .badge', { hasText: /^confirmed$/ }).waitFor();

    // ---- The organiser admits it, puts it on the voting list and creates its poll. ----
    await org.goto(`${server.url}/#/console`);
    const triage = org.locator('#triage');
    const cardO = triage.locator(`li.amendment[data-amendment="${amendmentId}"]`);
    await cardO.getByRole('button', { name: 'Admissible: Amendment' }).click();
    await cardO.getByRole('button', { name: /^Put on the voting list: Amendment/ }).click();
    await org.locator('#voting-list li[data-amendment]').first().waitFor();
    // Everyone voting is in the plenary room before the poll opens.
    await loginWithCode(c, pc.code);
    for (let i = 0; i < phones.length; i++) {
      await phones[i].setViewportSize({ width: 360, height: 740 });
      await phones[i].goto(`${server.url}/#/room/${plenary}`);
      await phones[i].locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
    }
    await triage.locator(`li.amendment[data-amendment="${amendmentId}"]`).getByRole('button', { name: /^Create its poll: Amendment/ }).click();
    const pollForm = org.locator('form.poll-form');
    assert.equal(await pollForm.getByLabel('What is voted on').inputValue(), 'amendment');
    assert.equal(await pollForm.getByLabel('Amendment (on the voting list)').inputValue(), amendmentId);
    await pollForm.getByLabel('Majority required').selectOption('simple_majority');
    await pollForm.getByRole('button', { name: 'Create the poll' }).click();
    const row = org.locator('#console-polls li.poll-line').first();
    await row.locator('.badge', { hasText: 'Not open yet' }).waitFor();
    const pollId = await row.getAttribute('data-poll');
    await row.getByRole('button', { name: /^Open: / }).click();
    await row.locator('.badge', { hasText: 'Open' }).waitFor();
    await row.locator('.poll-count', { hasText: '0 of 3 ballots cast' }).waitFor();

    // ---- Three delegates vote from their phones; the count updates live everywhere. ----
    const choices = ['Yes', 'Yes', 'No'];
    for (let i = 0; i < phones.length; i++) {
      const p = phones[i];
      await p.locator(`li.poll-line[data-poll="${pollId}"]`).getByRole('link', { name: 'Vote now' }).click();
      await p.locator('fieldset.choices legend', { hasText: 'Your vote' }).waitFor();
      // Large targets: each choice is at least 44 px tall and fits the phone's width.
      const boxes = await p.locator('.choice label').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect()).map((r) => ({ h: r.height, right: r.right })));
      assert.equal(boxes.length, 3);
      for (const bx of boxes) { assert.ok(bx.h >= 44, `choice ${bx.h}px tall`); assert.ok(bx.right <= 360, 'fits 360px'); }
      await p.getByLabel(choices[i], { exact: true }).check();
      await p.getByRole('button', { name: 'Continue' }).click();
      await p.locator('.your-choice', { hasText: choices[i] }).waitFor();
      await p.getByRole('button', { name: 'Cast my ballot' }).click();
      await p.locator('#ballot-done', { hasText: 'Your ballot has been received and counted.' }).waitFor();
      // Live: the organiser's console and the first voter's phone see the new count.
      await row.locator('.poll-count', { hasText: `${i + 1} of 3 ballots cast` }).waitFor({ timeout: 10000 });
      await phones[0].locator('#vote-count', { hasText: `${i + 1} of 3 ballots cast` }).waitFor({ timeout: 10000 });
    }
    assert.equal(await phones[0].locator('#vote-count').getAttribute('aria-live'), 'polite');

    // ---- Close and publish: every phone shows the result and how it was reached. ----
    await row.getByRole('button', { name: /^Close: / }).click();
    await row.getByRole('button', { name: /^Publish the result: / }).click();
    for (const p of phones) {
      const res = p.locator('section.result');
      await res.waitFor({ timeout: 10000 });
      assert.equal(await res.getAttribute('data-outcome'), 'adopted');
      const text = await res.innerText();
      assert.match(text, /Adopted/);
      assert.match(text, /Yes\s+2/);
      assert.match(text, /No\s+1/);
      assert.match(text, /Rule: Simple majority of votes cast/);
      assert.match(text, /The required majority was reached\./);
    }

    // ---- The adopted change is in the clause text, and the amendment says Adopted. ----
    await a.setViewportSize({ width: 1280, height: 900 });
    await a.goto(`${server.url}/#/declaration/${declId}`);
    const art2 = a.locator(`article[data-clause="${clause.id}"]`);
    await until(async () => (await art2.locator('.clause-text').innerText()).trim() === `${edited} and in full`,
      { timeout: 15000, message: 'the adopted amendment in the clause text' });
    await art2.locator(`li.amendment[data-amendment="${amendmentId}"] .badge`, { hasText: 'Adopted' }).waitFor();
    // A new numbered version; comparing it with the text before shows the change word by word.
    const versions = a.locator('section.versions-panel');
    await versions.locator('ol.versions li', { hasText: 'Version 2: amendment' }).waitFor();
    await versions.getByRole('button', { name: 'Compare' }).click();
    const changed = versions.locator(`.compare-out li[data-clause="${clause.id}"]`);
    await changed.locator('ins', { hasText: 'Firmly' }).waitFor();
    await changed.locator('ins', { hasText: 'and in full' }).waitFor();

    checkPage(a, 'proposer and voter 1');
    checkPage(b, 'co-sponsor and voter 2');
    checkPage(c, 'voter 3');
    checkPage(org, 'organiser');
  } finally {
    await closeAll([a, b, c, org]);
  }
});

test('ranked and consensus ballots on a phone: reorder with buttons, block needs a reason', { skip, timeout: 120000 }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  await ws.login(demoLogin('organiser').code);
  await ws.request('room.join', { room: plenary });
  const code = (await ws.request('access_code.create', { forum, role: 'delegate', name: 'Kofi Mensah', organisation: orgs[3].id })).code;
  const ranked = (await ws.request('poll.create', { room: plenary, method: 'ranked', secret: true, threshold: 'simple_majority', quorum: null,
    question: 'Where should the next assembly meet?', options: ['Dakar', 'Manila', 'Quito'] })).poll;
  const consensus = (await ws.request('poll.create', { room: plenary, method: 'consensus', secret: false, threshold: 'simple_majority', quorum: null,
    question: 'Adopt the working method?' })).poll;
  const p = await openPage(browser, server, { width: 360, height: 740 });
  try {
    await loginWithCode(p, code);
    await p.goto(`${server.url}/#/room/${plenary}`);
    await p.locator('.room-state', { hasText: 'You are in the room.' }).waitFor();
    await ws.request('poll.open', { poll: ranked.id });
    await ws.request('poll.open', { poll: consensus.id });

    await p.goto(`${server.url}/#/poll/${ranked.id}`);
    const items = () => p.locator('.ranking .rank-label').allInnerTexts();
    await p.locator('.ranking li').first().waitFor();
    assert.deepEqual(await items(), ['Dakar', 'Manila', 'Quito']);
    // Keyboard: focus "Move up: Quito" and press Enter twice; focus follows the item.
    await p.getByRole('button', { name: 'Move up: Quito' }).focus();
    await p.keyboard.press('Enter');
    await p.keyboard.press('Enter');
    assert.deepEqual(await items(), ['Quito', 'Dakar', 'Manila']);
    await p.locator('[role=status]', { hasText: 'Quito is now number 1' }).waitFor();
    await p.getByRole('button', { name: 'Move down: Dakar' }).click();
    assert.deepEqual(await items(), ['Quito', 'Manila', 'Dakar']);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('.your-choice', { hasText: '1. Quito, 2. Manila, 3. Dakar' }).waitFor();
    await p.getByRole('button', { name: 'Cast my ballot' }).click();
    await p.locator('#ballot-done').waitFor();

    await p.goto(`${server.url}/#/poll/${consensus.id}`);
    await p.getByLabel('Block', { exact: true }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.locator('#alerts', { hasText: 'A block needs a reason.' }).waitFor();
    await p.getByLabel('Why do you block? (required)').fill('It leaves out seasonal workers.');
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('button', { name: 'Cast my ballot' }).click();
    await p.locator('#ballot-done').waitFor();

    await ws.request('poll.close', { poll: consensus.id });
    await ws.request('poll.publish', { poll: consensus.id });
    const res = p.locator('section.result');
    await res.waitFor({ timeout: 10000 });
    assert.match(await res.innerText(), /Blocked/);
    assert.match(await res.innerText(), /It leaves out seasonal workers\./);
    checkPage(p, 'ranked/consensus voter');
  } finally {
    ws.close();
    await closeAll([p]);
  }
});

test('organiser triage: rule out with a reason, composite two, order the voting list, tabling deadline', { skip, timeout: 120000 }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  await ws.login(demoLogin('organiser').code);
  const decl = (await ws.request('declaration.get', { declaration: declId })).declaration;
  const second = decl.clauses.filter((c) => c.kind === 'clause')[1];
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const code = (await ws.request('access_code.create', { forum, role: 'delegate', name: `Proposer ${i}`, organisation: orgs[5 + i].id })).code;
    const d = await WsClient.connect(server.wsUrl);
    await d.login(code);
    const doc = await d.request('doc.open', { doc: second.docs[decl.original] });
    const r = await d.request('amendment.table', { declaration: declId, kind: 'modify', clause: second.id, lang: decl.original, base_revision: doc.rev,
      op: [[...doc.text].length, ` (${['soon', 'now', 'today', 'at once'][i]})`], justification: `Reason ${i}` });
    ids.push(String(r.amendment.id));
    d.close();
  }
  const org = await openPage(browser, server);
  try {
    await loginWithCode(org, demoLogin('organiser').code);
    await org.goto(`${server.url}/#/console`);
    const card = (id) => org.locator(`#triage li.amendment[data-amendment="${id}"]`);
    await card(ids[3]).waitFor();
    const num = async (id) => (await card(id).locator('.amend-title strong').innerText()).replace('Amendment ', '');

    // Rule out the fourth, with a reason everyone can read.
    const n3 = await num(ids[3]);
    await card(ids[3]).getByRole('button', { name: `Rule out: Amendment ${n3}` }).click();
    await card(ids[3]).getByLabel('Rule out — Reason (shown to the proposer and to everyone)').fill('Outside the scope of this declaration.');
    await card(ids[3]).getByRole('button', { name: 'Rule out: confirm' }).click();
    await card(ids[3]).locator('.badge', { hasText: 'Ruled out' }).waitFor();
    assert.match(await card(ids[3]).innerText(), /Outside the scope of this declaration\./);

    // Composite the first two.
    const [n0, n1] = [await num(ids[0]), await num(ids[1])];
    await card(ids[0]).getByLabel('Include in a composite').check();
    await card(ids[1]).getByLabel('Include in a composite').check();
    const comp = org.locator('.organiser-tools h4', { hasText: `Composite of amendments ${n0}, ${n1}` }).locator('..');
    await comp.waitFor();
    const text = comp.getByLabel(/^Text \(/);
    await until(async () => (await text.inputValue()).length > 0, { message: 'the clause text in the composite editor' });
    await text.fill(`${await text.inputValue()} (now, and at the latest by 2030)`);
    await comp.getByRole('button', { name: 'Make the composite' }).click();
    await card(ids[0]).locator('.badge', { hasText: 'Merged into a composite' }).waitFor();
    await card(ids[1]).locator('.badge', { hasText: 'Merged into a composite' }).waitFor();
    const list1 = await ws.request('amendment.list', { declaration: declId });
    const composite = list1.amendments.find((a) => (a.composited_from || []).map(String).includes(ids[0]));
    assert.ok(composite, 'a composite names its originals');
    assert.equal(composite.state, 'tabled');

    // Both remaining amendments admissible and on the voting list; reorder with the buttons.
    for (const id of [String(composite.id), ids[2]]) {
      const n = await num(id);
      await card(id).getByRole('button', { name: `Admissible: Amendment ${n}` }).click();
      await card(id).getByRole('button', { name: `Put on the voting list: Amendment ${n}` }).click();
      await card(id).locator('.badge', { hasText: 'On the voting list' }).waitFor();
    }
    const rows = org.locator('#voting-list li[data-amendment]');
    await until(async () => (await rows.count()) === 2, { message: 'two on the voting list' });
    const before = await rows.evaluateAll((ls) => ls.map((l) => l.dataset.amendment));
    const lastN = await num(before[1]);
    await org.getByRole('button', { name: `Move up: Amendment ${lastN}` }).click();
    await until(async () => (await rows.evaluateAll((ls) => ls.map((l) => l.dataset.amendment))).join() === [before[1], before[0]].join(), { message: 'reordered' });
    await org.locator('[role=status]', { hasText: 'Voting list saved.' }).waitFor();
    const list2 = await ws.request('amendment.list', { declaration: declId });
    assert.deepEqual(list2.order.map(String).filter((x) => before.includes(x)), [before[1], before[0]], 'the server has the new order');
    // Another organiser puts it back: this console follows without a reload.
    await ws.request('amendment.order', { declaration: declId, order: before.map(Number) });
    await until(async () => (await rows.evaluateAll((ls) => ls.map((l) => l.dataset.amendment))).join() === before.join(), { message: 'the console follows another organiser\'s order' });

    // A tabling deadline.
    await org.getByLabel('Tabling deadline').fill('2026-12-03T18:00');
    await org.getByRole('button', { name: 'Set the deadline' }).click();
    await org.locator('.organiser-tools p', { hasText: 'Amendments may be tabled until' }).waitFor();
    assert.ok((await ws.request('amendment.list', { declaration: declId })).deadline, 'the server has the deadline');
    await org.getByRole('button', { name: 'Remove the deadline' }).click();
    await org.locator('.organiser-tools p', { hasText: 'No tabling deadline is set.' }).waitFor();
    // Set and cleared by another organiser: shown here as it happens.
    await ws.request('amendment.deadline', { declaration: declId, deadline: '2099-12-05T18:00:00Z' });
    await org.locator('.organiser-tools p', { hasText: 'Amendments may be tabled until' }).waitFor();
    await ws.request('amendment.deadline', { declaration: declId, deadline: null });
    await org.locator('.organiser-tools p', { hasText: 'No tabling deadline is set.' }).waitFor();

    checkPage(org, 'triage');
  } finally {
    ws.close();
    await closeAll([org]);
  }
});

test('a delegate proposes a new clause before clause 1; the organiser sees where it goes', { skip, timeout: 90000 }, async () => {
  const ws = await WsClient.connect(server.wsUrl);
  await ws.login(demoLogin('organiser').code);
  const code = (await ws.request('access_code.create', { forum, role: 'delegate', name: 'Opening Proposer', organisation: orgs[10].id })).code;
  const p = await openPage(browser, server);
  const org = await openPage(browser, server);
  try {
    await loginWithCode(p, code);
    await p.goto(`${server.url}/#/declaration/${declId}`);
    const art = p.locator(`article[data-clause="${clause.id}"]`);
    await art.locator('.clause-text').filter({ hasNotText: 'Loading' }).waitFor();
    await art.getByRole('button', { name: 'Propose an amendment: Clause 1' }).click();
    const form = art.locator('form.amend-form');
    await form.getByLabel('Add a new clause before this one').check();
    const editor = form.getByLabel('Text of the new clause');
    assert.equal(await editor.inputValue(), '', 'a new clause starts empty');
    await editor.fill('Recalling the charter of principles of the forum,');
    await form.getByLabel('Justification').fill('The operative part opens with the charter.');
    await form.getByRole('button', { name: 'Table the amendment' }).click();
    const card = art.locator('li.amendment', { hasText: 'Add a new clause before this one' });
    await card.locator('.badge', { hasText: 'Tabled' }).waitFor();
    const id = await card.getAttribute('data-amendment');
    const stored = (await ws.request('amendment.get', { amendment: Number(id) })).amendment;
    assert.equal(stored.kind, 'insert');
    assert.equal(stored.before, true);
    assert.equal(stored.text, 'Recalling the charter of principles of the forum,');

    await loginWithCode(org, demoLogin('organiser').code);
    await org.goto(`${server.url}/#/console`);
    await org.locator(`#triage li.amendment[data-amendment="${id}"]`, { hasText: 'before Clause 1' }).waitFor();
    checkPage(p, 'amendment-before');
    checkPage(org, 'triage-before');
  } finally {
    ws.close();
    await closeAll([p, org]);
  }
});
