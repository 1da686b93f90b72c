// The organiser's tools for amendments, votes and the floor (loaded on demand by the console):
// amendment triage per declaration (admissible, rule out with a reason, composite several,
// schedule, fall, the voting list ordered with up/down buttons, the tabling deadline); polls
// in a room (create with method, threshold, quorum, secret; open, close, publish; who has not
// voted); the room's agenda and speakers' list controls.
import { h, newId, replace } from '../dom.js';
import { formatDateTime, formatNumber, languageName, t, tl } from '../i18n.js';
import { METHODS, THRESHOLDS, moveItem, normPoll, parseFraction } from '../ballot.js';
import { diffOp } from '../ot/unicode.js';
import { actionButton } from './common.js';
import { amendmentBody, choiceOf, KIND_CHOICES, kindFields, stateBadge } from './amend.js';
import { mountFloor } from './floor.js';

const idEq = (a, b) => a != null && b != null && String(a) === String(b);

export function organiserTools({ app, data, liveNote }) {
  const orgName = new Map((data.organisations || []).map((o) => [o.id, o.name]));
  const cleanups = [];
  const say = (text) => replace(liveNote, text);

  // ---------- rooms ----------
  const rooms = [];
  if (data.plenary != null) rooms.push([data.plenary, t('room.plenary')]);
  for (const slot of data.programme?.slots || []) {
    for (const w of slot.workshops || []) {
      if (w.room != null && !rooms.some(([id]) => id === w.room)) rooms.push([w.room, `${tl(w.location) || ''} — ${tl(w.title)}`]);
    }
  }
  let roomId = rooms[0]?.[0] ?? null;
  let joinedRoom = null;
  let floor = null;
  const roomSelId = newId('room');
  const roomSel = h('select', { id: roomSelId }, rooms.map(([id, n]) => h('option', { value: id }, n)));
  const floorSlot = h('div');
  const pollList = h('ul', { class: 'plain-list polls', id: 'console-polls' });
  const polls = new Map();

  async function switchRoom(id) {
    if (joinedRoom != null) app.request('room.leave', { room: joinedRoom }, { queue: false, resend: false }).catch(() => {});
    floor?.destroy();
    roomId = id; joinedRoom = null;
    try { await app.request('room.join', { room: id }); joinedRoom = id; } catch (err) { app.error(err); }
    floor = mountFloor({ app, roomId: id, control: true, orgName, polls: false });
    replace(floorSlot, agendaEditor(), floor.el);
    await Promise.all([floor.load(), loadPolls(), loadAgenda()]);
  }
  roomSel.addEventListener('change', () => switchRoom(Number(roomSel.value)));

  // ---------- agenda ----------
  let agendaItems = [];
  const agendaListEl = h('ol', { class: 'agenda-edit' });
  function agendaEditor() {
    const inId = newId('ag');
    const inp = h('input', { id: inId, autocomplete: 'off' });
    const form = h('form', { class: 'inline-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: inId }, t('agenda.newItem')), inp),
      h('button', { type: 'submit', class: 'secondary' }, t('agenda.add')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const title = inp.value.trim();
      if (!title) { inp.focus(); return; }
      agendaItems = [...agendaItems, { title }];
      inp.value = '';
      await saveAgenda();
    });
    return h('section', { class: 'card', 'aria-labelledby': 'agenda-edit-h' },
      h('h3', { id: 'agenda-edit-h' }, t('agenda.edit')), agendaListEl, form);
  }
  function drawAgenda(current) {
    replace(agendaListEl, agendaItems.map((it, i) => {
      const title = typeof it.title === 'object' ? tl(it.title) : it.title;
      return h('li', { class: 'agenda-row' }, h('span', { dir: 'auto' }, title),
        h('span', { class: 'row-buttons' },
          actionButton(t('agenda.makeCurrent'), async () => {
            const r = await app.request('agenda.current', { room: roomId, item: it.id ?? i });
            setAgenda(r.agenda);
          }, app, { class: 'secondary', 'aria-pressed': String(current != null && (idEq(current, it.id) || idEq(current, i))), 'aria-label': `${t('agenda.makeCurrent')}: ${title}` }),
          actionButton('↑', async () => { agendaItems = moveItem(agendaItems, i, -1); await saveAgenda(); }, app, { class: 'secondary', disabled: i === 0, 'aria-label': `${t('agenda.up')}: ${title}` }),
          actionButton('↓', async () => { agendaItems = moveItem(agendaItems, i, 1); await saveAgenda(); }, app, { class: 'secondary', disabled: i === agendaItems.length - 1, 'aria-label': `${t('agenda.down')}: ${title}` }),
          actionButton('✕', async () => { agendaItems = agendaItems.filter((_, k) => k !== i); await saveAgenda(); }, app, { class: 'danger-outline', 'aria-label': `${t('agenda.remove')}: ${title}` })));
    }));
  }
  function setAgenda(a) { agendaItems = (a?.items || []).map((x) => ({ ...x })); drawAgenda(a?.current); }
  async function loadAgenda() {
    try { setAgenda((await app.request('agenda.get', { room: roomId })).agenda); } catch (err) { if (err.code !== 'unknown_type') app.error(err); }
  }
  async function saveAgenda() {
    const items = agendaItems.map((it) => {
      const o = { title: typeof it.title === 'object' ? tl(it.title) : it.title };
      if (it.kind) o.kind = it.kind;
      if (it.ref != null) o.ref = it.ref;
      return o;
    });
    const r = await app.request('agenda.set', { room: roomId, items });
    setAgenda(r.agenda);
    say(t('agenda.saved'));
  }
  cleanups.push(app.socket.on('agenda.updated', (m) => { if (idEq(m.room, roomId)) setAgenda(m.agenda); }));

  // ---------- polls ----------
  const pollForm = buildPollForm();
  function buildPollForm() {
    const ids = Object.fromEntries(['subject', 'question', 'amendment', 'method', 'options', 'threshold', 'fraction', 'base', 'quorumKind', 'quorum', 'fallback', 'title']
      .map((k) => [k, newId(k)]));
    const subject = h('select', { id: ids.subject }, ['question', 'amendment', 'declaration'].map((s) => h('option', { value: s }, t(`poll.subject.${s}`))));
    const question = h('textarea', { id: ids.question, rows: 2, dir: 'auto' });
    const amendSel = h('select', { id: ids.amendment });
    const method = h('select', { id: ids.method }, METHODS.map((m) => h('option', { value: m }, t(`method.${m}`))));
    const options = h('textarea', { id: ids.options, rows: 3, dir: 'auto' });
    const threshold = h('select', { id: ids.threshold }, THRESHOLDS.map((x) => h('option', { value: x }, t(`threshold.${x}`))));
    const fraction = h('input', { id: ids.fraction, inputmode: 'numeric', placeholder: '3/5', autocomplete: 'off' });
    const base = h('select', { id: ids.base }, ['cast', 'entitled'].map((b) => h('option', { value: b }, t(`base.${b}`))));
    const strictId = newId('strict');
    const strict = h('input', { type: 'checkbox', id: strictId });
    const quorumKind = h('select', { id: ids.quorumKind }, ['none', 'fraction', 'absolute'].map((q) => h('option', { value: q }, t(`quorum.${q}`))));
    const quorum = h('input', { id: ids.quorum, autocomplete: 'off', placeholder: '1/2' });
    const fallback = h('select', { id: ids.fallback }, ['none', ...THRESHOLDS.filter((x) => x !== 'fraction')].map((x) => h('option', { value: x }, x === 'none' ? t('poll.noFallback') : t(`threshold.${x}`))));
    const title = h('input', { id: ids.title, autocomplete: 'off', dir: 'auto' });
    const secretId = newId('secret'); const revoteId = newId('revote');
    const secret = h('input', { type: 'checkbox', id: secretId, checked: true });
    const revote = h('input', { type: 'checkbox', id: revoteId });
    const fld = (k, label, ctl, hint) => h('div', { class: 'field', dataset: { f: k } }, h('label', { for: ctl.id }, label), hint && h('p', { class: 'hint' }, hint), ctl);
    const parts = {
      question: fld('question', t('poll.question'), question),
      amendment: fld('amendment', t('poll.amendment'), amendSel),
      options: fld('options', t('poll.options'), options, t('poll.optionsHint')),
      fraction: h('div', { class: 'inline-form', dataset: { f: 'fraction' } }, fld('fraction', t('poll.fraction'), fraction), fld('base', t('poll.base'), base),
        h('div', { class: 'check' }, strict, h('label', { for: strictId }, t('poll.strict')))),
      quorum: fld('quorum', t('poll.quorumValue'), quorum, t('poll.quorumHint')),
      fallback: fld('fallback', t('poll.fallback'), fallback),
    };
    const sync = () => {
      parts.question.hidden = subject.value !== 'question';
      parts.amendment.hidden = subject.value !== 'amendment';
      parts.options.hidden = !['single_choice', 'ranked'].includes(method.value);
      parts.fraction.hidden = threshold.value !== 'fraction';
      parts.quorum.hidden = quorumKind.value === 'none';
      parts.fallback.hidden = method.value !== 'consensus';
      revote.disabled = secret.checked;
      if (secret.checked) revote.checked = false;
    };
    for (const el of [subject, method, threshold, quorumKind, secret]) el.addEventListener('change', sync);
    const form = h('form', { class: 'stack poll-form', novalidate: true },
      fld('title', t('poll.titleField'), title),
      fld('subject', t('poll.subject'), subject), parts.question, parts.amendment,
      fld('method', t('poll.method'), method), parts.options,
      fld('threshold', t('poll.threshold'), threshold), parts.fraction,
      fld('quorumKind', t('poll.quorum'), quorumKind), parts.quorum, parts.fallback,
      h('div', { class: 'check' }, secret, h('label', { for: secretId }, t('poll.secretAsk'))),
      h('div', { class: 'check' }, revote, h('label', { for: revoteId }, t('poll.revoteAsk'))),
      h('button', { type: 'submit', class: 'primary' }, t('poll.create')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = { room: roomId, method: method.value, secret: secret.checked };
      if (title.value.trim()) f.title = title.value.trim();
      if (subject.value === 'question') {
        if (!question.value.trim()) { app.error(t('poll.questionMissing')); question.focus(); return; }
        f.question = question.value.trim();
      } else if (subject.value === 'amendment') {
        if (!amendSel.value) { app.error(t('poll.amendmentMissing')); amendSel.focus(); return; }
        f.amendment = Number(amendSel.value);
      } else {
        if (!declId) { app.error(t('poll.declarationMissing')); return; }
        f.declaration = declId;
      }
      if (threshold.value === 'fraction') {
        const fr = parseFraction(fraction.value);
        if (!fr) { app.error(t('poll.fractionBad')); fraction.focus(); return; }
        f.threshold = { kind: 'fraction', ...fr, base: base.value, strict: strict.checked };
      } else f.threshold = { kind: threshold.value };
      if (quorumKind.value === 'fraction') {
        const fr = parseFraction(quorum.value);
        if (!fr) { app.error(t('poll.fractionBad')); quorum.focus(); return; }
        f.quorum = { kind: 'fraction', ...fr };
      } else if (quorumKind.value === 'absolute') {
        const n = Number(quorum.value);
        if (!Number.isInteger(n) || n < 1) { app.error(t('poll.quorumBad')); quorum.focus(); return; }
        f.quorum = { kind: 'absolute', minimum: n };
      } else f.quorum = null;
      if (['single_choice', 'ranked'].includes(method.value)) {
        const opts = options.value.split('\n').map((s) => s.trim()).filter(Boolean);
        if (opts.length < 2 || new Set(opts).size !== opts.length) { app.error(t('poll.optionsBad')); options.focus(); return; }
        f.options = opts;
      }
      if (method.value === 'consensus' && fallback.value !== 'none') f.consensus_fallback = { kind: fallback.value };
      if (revote.checked) f.revote = true;
      const btn = form.querySelector('button[type=submit]');
      btn.disabled = true;
      try {
        const r = await app.request('poll.create', f);
        polls.set(String(r.poll.id), normPoll(r.poll));
        drawPolls();
        form.reset(); sync();
        say(t('poll.created'));
        pollList.querySelector(`[data-poll="${r.poll.id}"] button`)?.focus();
      } catch (err) { app.error(err); } finally { btn.disabled = false; }
    });
    sync();
    form.setAmendments = (list) => {
      const cur = amendSel.value;
      replace(amendSel, h('option', { value: '' }, t('poll.pickAmendment')),
        list.map((a) => h('option', { value: a.id, selected: idEq(a.id, cur) }, t('amend.numbered', { n: a.number ?? a.id }))));
    };
    form.pick = (a) => {
      form.closest('details')?.setAttribute('open', '');
      subject.value = 'amendment'; method.value = 'yes_no_abstain'; sync();
      amendSel.value = String(a.id);
      title.value = t('poll.onAmendment', { n: a.number ?? a.id });
      title.focus();
    };
    return form;
  }

  function drawPolls() {
    const list = [...polls.values()].filter((p) => idEq(p.room, roomId)).sort((a, b) => Number(b.id) - Number(a.id));
    replace(pollList, list.length ? list.map(pollRow) : [h('li', { class: 'hint' }, t('floor.noPolls'))]);
  }

  function pollRow(p) {
    const title = p.title || p.question || (p.amendment != null ? t('poll.onAmendment', { n: p.amendment }) : t('poll.onDeclaration'));
    const missingEl = h('div', { class: 'missing', 'aria-live': 'polite' });
    const act = (type, label, cls = 'secondary') => actionButton(label, async () => {
      const r = await app.request(type, { poll: p.id });
      if (r.poll) { polls.set(String(p.id), normPoll({ ...polls.get(String(p.id)), ...r.poll })); drawPolls(); }
      say(t(`pollstate.${r.poll?.state}`));
    }, app, { class: cls, 'aria-label': `${label}: ${title}` });
    const count = p.ballots != null ? (p.entitled != null ? t('vote.countOf', { n: formatNumber(p.ballots), of: formatNumber(p.entitled) }) : t('vote.count', { n: formatNumber(p.ballots) })) : '';
    return h('li', { class: 'card poll-line', dataset: { poll: p.id, state: p.state } },
      h('p', null, h('strong', { dir: 'auto' }, title), ' ', h('span', { class: `badge poll-${p.state}` }, t(`pollstate.${p.state}`)),
        ' · ', h('span', { class: 'hint' }, t(`method.${p.method}`), ' · ', t(p.secret ? 'poll.secret' : 'poll.named'))),
      p.state !== 'created' && h('p', { class: 'poll-count' }, count),
      Array.isArray(p.blocks) && p.blocks.length > 0 && h('div', { class: 'warn-box' }, h('p', null, t('poll.blocksSoFar', { n: p.blocks.length })),
        h('ul', null, p.blocks.map((b) => h('li', { dir: 'auto' }, b.reason)))),
      p.result && h('p', { class: 'hint' }, t('result.title'), ': ', t(`outcome.${p.result.outcome}`) !== `outcome.${p.result.outcome}` ? t(`outcome.${p.result.outcome}`) : p.result.outcome),
      h('div', { class: 'actions' },
        p.state === 'created' && act('poll.open', t('poll.open'), 'primary'),
        p.state === 'open' && act('poll.close', t('poll.close'), 'primary'),
        p.state === 'closed' && act('poll.publish', t('poll.publish'), 'primary'),
        p.state === 'open' && actionButton(t('poll.missing'), async () => {
          const r = await app.request('poll.missing', { poll: p.id });
          const ds = r.delegates || [];
          replace(missingEl, ds.length ? [h('p', null, t('poll.missingCount', { n: ds.length })),
            h('ul', { class: 'missing-list' }, ds.map((d) => h('li', null, d.name ?? d)))] : h('p', null, t('poll.allVoted')));
        }, app, { class: 'secondary', 'aria-label': `${t('poll.missing')}: ${title}` }),
        h('a', { href: `#/poll/${p.id}` }, t('poll.view'))),
      missingEl);
  }

  async function loadPolls() {
    try {
      const r = await app.request('poll.list', { room: roomId });
      for (const [k, p] of polls) if (idEq(p.room, roomId)) polls.delete(k);
      for (const p of r.polls || []) polls.set(String(p.id), normPoll({ room: roomId, ...p }));
      drawPolls();
    } catch (err) { if (err.code !== 'unknown_type') app.error(err); }
  }
  cleanups.push(
    app.socket.on('poll.count', (m) => {
      const p = polls.get(String(m.poll));
      if (p) { polls.set(String(m.poll), { ...p, ballots: m.ballots, entitled: m.entitled ?? p.entitled }); drawPolls(); }
      // Blocks in a named consensus poll are shown to the chair as they come (poll.get has them).
      if (p && p.method === 'consensus' && !p.secret && p.state === 'open') {
        app.request('poll.get', { poll: p.id }).then((r) => { polls.set(String(p.id), normPoll({ ...polls.get(String(p.id)), ...r.poll })); drawPolls(); }).catch(() => {});
      }
    }),
    app.socket.on('poll.updated', (m) => {
      if (!m.poll?.id) return;
      polls.set(String(m.poll.id), normPoll({ ...polls.get(String(m.poll.id)), ...m.poll }));
      drawPolls();
      if (m.poll.amendment != null) loadAmendments();
    }),
    app.socket.on('poll.result', (m) => {
      const p = polls.get(String(m.poll?.id ?? m.poll));
      if (p) { polls.set(String(p.id), { ...p, state: 'published', result: m.result }); drawPolls(); }
    }),
    app.socket.onResume(() => { if (roomId != null) switchRoom(roomId); }),
  );

  // ---------- amendments ----------
  let declId = null;
  let decl = null;
  let amendments = [];
  let order = [];
  let deadline = null;
  const selected = new Set();
  const declSelId = newId('decl');
  const declSel = h('select', { id: declSelId });
  const amendEl = h('div', { id: 'triage' });
  const orderEl = h('ol', { class: 'voting-list', id: 'voting-list' });
  const deadlineEl = h('div');
  const compositeEl = h('div');
  // One subscription at a time: the declaration shown (its amendments, order and deadline).
  const unsubscribe = (id) => { if (id != null) app.request('declaration.unsubscribe', { declaration: id }, { queue: false, resend: false }).catch(() => {}); };
  declSel.addEventListener('change', () => { unsubscribe(declId); declId = Number(declSel.value); selected.clear(); loadAmendments(); });

  async function loadDecls() {
    try {
      const r = await app.request('declaration.list', { forum: app.forumId });
      const ds = r.declarations || [];
      replace(declSel, ds.map((d) => h('option', { value: d.id }, tl(d.title))));
      declId = ds[0]?.id ?? null;
      await loadAmendments();
    } catch (err) { app.error(err); }
  }

  const clauseLabel = (id) => {
    const cs = decl?.clauses || [];
    let n = 0;
    for (const c of cs) {
      if (c.kind !== 'preamble') n++;
      if (idEq(c.id, id)) return c.kind === 'preamble' ? t('decl.preambleN', { n: cs.filter((x) => x.kind === 'preamble').indexOf(c) + 1 }) : t('decl.clauseN', { n });
    }
    return String(id ?? '');
  };

  async function loadAmendments() {
    if (declId == null) { replace(amendEl, h('p', { class: 'hint' }, t('triage.noDecl'))); return; }
    try {
      const [r, d] = await Promise.all([
        app.request('amendment.list', { declaration: declId }),
        app.request('declaration.get', { declaration: declId, subscribe: true }),
      ]);
      decl = d.declaration;
      amendments = r.amendments || [];
      order = (r.order || []).map(String);
      deadline = r.deadline ?? null;
      drawAmendments();
    } catch (err) { if (err.code !== 'unknown_type') app.error(err); }
  }
  cleanups.push(app.socket.on('amendment.updated', (m) => {
    if (!idEq(m.declaration ?? m.amendment?.declaration, declId)) return;
    if (m.amendment) {
      const i = amendments.findIndex((a) => idEq(a.id, m.amendment.id));
      if (i >= 0) amendments[i] = m.amendment; else amendments.push(m.amendment);
      drawAmendments();
    } else loadAmendments();
  }));
  // Another organiser's voting order or deadline (and this console's own, echoed).
  cleanups.push(app.socket.on('amendment.order_changed', (m) => {
    const next = (m.order || []).map(String);
    if (!idEq(m.declaration, declId) || next.join() === order.join()) return;
    const focused = orderEl.contains(document.activeElement) ? document.activeElement.dataset.act : null;
    order = next;
    drawOrder();
    if (focused) orderEl.querySelector(`[data-act="${focused}"]:not([disabled])`)?.focus();
  }));
  cleanups.push(app.socket.on('amendment.deadline_changed', (m) => {
    if (!idEq(m.declaration, declId) || (m.deadline ?? null) === deadline) return;
    deadline = m.deadline ?? null;
    drawDeadline();
  }));
  // A new connection has no subscriptions: subscribe again and catch up.
  cleanups.push(app.socket.onResume(() => { if (declId != null) loadAmendments(); }));
  cleanups.push(() => unsubscribe(declId));

  async function transition(a, to, reason) {
    const f = { amendment: a.id, to };
    if (reason) f.reason = reason;
    const r = await app.request('amendment.transition', f);
    const i = amendments.findIndex((x) => idEq(x.id, a.id));
    if (i >= 0 && r.amendment) amendments[i] = r.amendment;
    if (to === 'scheduled' && !order.includes(String(a.id))) order.push(String(a.id));
    drawAmendments();
    say(t('amend.movedTo', { n: a.number ?? a.id, state: t(`amstate.${to}`) }));
  }

  function reasonAction(a, label, to) {
    const box = h('div', { class: 'reject-box', hidden: true });
    const id = newId('why');
    const ta = h('textarea', { id, rows: 2, dir: 'auto' });
    replace(box, h('div', { class: 'field' }, h('label', { for: id }, `${label} — ${t('triage.reason')}`), ta),
      actionButton(t('triage.confirm', { action: label }), async () => {
        if (!ta.value.trim()) { app.error(t('console.reasonMissing')); ta.focus(); return; }
        await transition(a, to, ta.value.trim());
      }, app, { class: 'danger' }));
    const toggle = h('button', {
      type: 'button', class: 'danger-outline', 'aria-expanded': 'false',
      'aria-label': `${label}: ${t('amend.numbered', { n: a.number ?? a.id })}`,
      onclick: (e) => { box.hidden = !box.hidden; e.currentTarget.setAttribute('aria-expanded', String(!box.hidden)); if (!box.hidden) ta.focus(); },
    }, label);
    return [toggle, box];
  }

  function triageCard(a) {
    const name = t('amend.numbered', { n: a.number ?? a.id });
    const actions = [];
    const can = (s) => a.state === s;
    if (can('tabled')) actions.push(actionButton(t('triage.admissible'), () => transition(a, 'admissible'), app, { class: 'primary', 'aria-label': `${t('triage.admissible')}: ${name}` }));
    if (can('tabled')) actions.push(...reasonAction(a, t('triage.ruleOut'), 'ruled_out'));
    if (can('admissible')) actions.push(actionButton(t('triage.schedule'), () => transition(a, 'scheduled'), app, { class: 'primary', 'aria-label': `${t('triage.schedule')}: ${name}` }));
    if (can('scheduled')) actions.push(h('button', { type: 'button', class: 'primary', 'aria-label': `${t('triage.putToVote')}: ${name}`, onclick: () => pollForm.pick(a) }, t('triage.putToVote')));
    if (['tabled', 'admissible', 'scheduled'].includes(a.state)) actions.push(...reasonAction(a, t('triage.fall'), 'fallen'));
    const selId = newId('sel');
    const pick = ['tabled', 'admissible'].includes(a.state) && h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: selId, checked: selected.has(String(a.id)), onchange: (e) => { if (e.target.checked) selected.add(String(a.id)); else selected.delete(String(a.id)); drawComposite(); } }),
      h('label', { for: selId }, t('triage.selectForComposite')));
    return h('li', { class: 'card amendment', dataset: { amendment: a.id, state: a.state } },
      h('div', { class: 'amend-title' }, h('strong', null, name), ' ', stateBadge(a.state), ' ',
        h('span', { class: 'hint' }, t(`amend.kind.${choiceOf(a)}`), ' · ', a.kind === 'insert' ? t(a.before ? 'triage.before' : 'triage.after', { clause: clauseLabel(a.clause) }) : clauseLabel(a.clause),
          a.organisation != null ? ` · ${orgName.get(a.organisation) || ''}` : '',
          ` · ${t('triage.sponsors', { n: (a.sponsors || []).filter((s) => s.current).length })}`)),
      a.conflict && h('p', { class: 'warn-box' }, t('triage.conflict')),
      a.conflict && resolveBox(a, name),
      amendmentBody(a, null),
      a.justification && h('p', { class: 'justification', dir: 'auto' }, h('span', { class: 'hint' }, t('amend.justification'), ': '), a.justification),
      a.reason && h('p', { class: 'hint' }, t('amend.reason'), ': ', h('span', { dir: 'auto' }, a.reason)),
      pick,
      actions.length > 0 && h('div', { class: 'actions' }, actions));
  }

  // A conflicting adopted amendment: the organiser writes the clause as it should read now;
  // the op from the current text is sent with the current revision (amendment.resolve).
  function resolveBox(a, name) {
    const box = h('div', { class: 'reject-box', hidden: true });
    const id = newId('res');
    const ta = h('textarea', { id, rows: 4, dir: 'auto' });
    let base = null;
    const open = async () => {
      const c = (decl?.clauses || []).find((x) => idEq(x.id, a.clause));
      const doc = c?.docs?.[a.lang || decl?.original];
      if (doc == null) return;
      const r = await app.request('doc.open', { doc: typeof doc === 'object' ? doc.doc ?? doc.id : doc });
      app.request('doc.close', { doc: r.doc }, { queue: false, resend: false }).catch(() => {});
      base = { text: r.text ?? '', rev: r.rev };
      ta.value = base.text;
    };
    replace(box, h('div', { class: 'field' }, h('label', { for: id }, t('triage.resolveText')), ta),
      actionButton(t('triage.resolve'), async () => {
        if (!base) await open();
        const op = diffOp(base.text, ta.value);
        if (!op.length) { app.error(t('amend.noChange')); ta.focus(); return; }
        await app.request('amendment.resolve', { amendment: a.id, base_revision: base.rev, op });
        await loadAmendments();
        say(t('triage.resolved', { n: a.number ?? a.id }));
      }, app, { class: 'primary' }));
    const toggle = h('button', {
      type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-label': `${t('triage.resolveOpen')}: ${name}`,
      onclick: async (e) => {
        box.hidden = !box.hidden;
        e.currentTarget.setAttribute('aria-expanded', String(!box.hidden));
        if (!box.hidden) { try { await open(); } catch (err) { app.error(err); } ta.focus(); }
      },
    }, t('triage.resolveOpen'));
    return h('div', null, toggle, box);
  }

  function drawOrder() {
    const sched = amendments.filter((a) => a.state === 'scheduled');
    const ids = [...order.filter((id) => sched.some((a) => idEq(a.id, id))), ...sched.map((a) => String(a.id)).filter((id) => !order.includes(id))];
    order = ids;
    const byId = new Map(amendments.map((a) => [String(a.id), a]));
    replace(orderEl, ids.length ? ids.map((id, i) => {
      const a = byId.get(id);
      const name = t('amend.numbered', { n: a?.number ?? id });
      return h('li', { class: 'order-row', dataset: { amendment: id } }, h('span', null, name, ' · ', clauseLabel(a?.clause)),
        h('span', { class: 'row-buttons' },
          h('button', { type: 'button', class: 'secondary', disabled: i === 0, dataset: { act: `up-${id}` }, 'aria-label': `${t('agenda.up')}: ${name}`, onclick: () => reorder(i, -1, `up-${id}`) }, '↑'),
          h('button', { type: 'button', class: 'secondary', disabled: i === ids.length - 1, dataset: { act: `down-${id}` }, 'aria-label': `${t('agenda.down')}: ${name}`, onclick: () => reorder(i, 1, `down-${id}`) }, '↓')));
    }) : [h('li', { class: 'hint' }, t('triage.noneScheduled'))]);
  }
  async function reorder(i, delta, focus) {
    const before = order;
    order = moveItem(order, i, delta);
    drawOrder();
    (orderEl.querySelector(`[data-act="${focus}"]:not([disabled])`) || orderEl.querySelector('button:not([disabled])'))?.focus();
    try {
      await app.request('amendment.order', { declaration: declId, order: order.map(Number) });
      say(t('triage.orderSaved'));
    } catch (err) { order = before; drawOrder(); app.error(err); }
  }

  function drawDeadline() {
    const id = newId('dl');
    const inp = h('input', { id, type: 'datetime-local' });
    if (deadline) {
      const d = new Date(deadline);
      if (!Number.isNaN(d.getTime())) inp.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    }
    replace(deadlineEl, h('p', null, deadline ? t('triage.deadlineIs', { when: formatDateTime(deadline, { dateStyle: 'medium', timeStyle: 'short' }) }) : t('triage.noDeadline')),
      h('div', { class: 'inline-form' },
        h('div', { class: 'field' }, h('label', { for: id }, t('triage.deadline')), inp),
        actionButton(t('triage.setDeadline'), async () => {
          if (!inp.value) { app.error(t('triage.deadlineMissing')); inp.focus(); return; }
          const iso = new Date(inp.value).toISOString().replace(/\.\d{3}Z$/, 'Z');
          await app.request('amendment.deadline', { declaration: declId, deadline: iso });
          deadline = iso; drawDeadline(); say(t('triage.deadlineSet'));
        }, app, { class: 'secondary' }),
        deadline && actionButton(t('triage.clearDeadline'), async () => {
          await app.request('amendment.deadline', { declaration: declId, deadline: null });
          deadline = null; drawDeadline(); say(t('triage.deadlineCleared'));
        }, app, { class: 'secondary' })));
  }

  function drawComposite() {
    const ids = [...selected].filter((id) => amendments.some((a) => idEq(a.id, id) && ['tabled', 'admissible'].includes(a.state)));
    if (ids.length < 2) { replace(compositeEl, h('p', { class: 'hint' }, t('triage.compositeHint'))); return; }
    const chosen = ids.map((id) => amendments.find((a) => idEq(a.id, id)));
    const first = chosen[0];
    const kindId = newId('ck'); const clauseId = newId('cc'); const textId = newId('ct'); const justId = newId('cj');
    const kind = h('select', { id: kindId }, KIND_CHOICES.map((k) => h('option', { value: k, selected: k === choiceOf(first) }, t(`amend.kind.${k}`))));
    const clauses = (decl?.clauses || []);
    const clause = h('select', { id: clauseId }, clauses.map((c) => h('option', { value: c.id, selected: idEq(c.id, first.clause) }, clauseLabel(c.id))));
    const text = h('textarea', { id: textId, rows: 4, dir: 'auto' });
    const just = h('textarea', { id: justId, rows: 2, dir: 'auto' });
    just.value = chosen.map((a) => a.justification).filter(Boolean).join(' / ');
    const lang = first.lang || decl?.original;
    let base = null; // {text, rev} of the chosen clause's document in `lang`
    const loadBase = async () => {
      const c = clauses.find((x) => idEq(x.id, clause.value));
      const doc = c?.docs?.[lang];
      base = null;
      if (doc == null) return;
      const r = await app.request('doc.open', { doc: typeof doc === 'object' ? doc.doc ?? doc.id : doc });
      app.request('doc.close', { doc: r.doc }, { queue: false, resend: false }).catch(() => {});
      base = { text: r.text ?? '', rev: r.rev };
      if (kind.value === 'modify' && !text.value) text.value = base.text;
    };
    clause.addEventListener('change', () => { text.value = ''; loadBase().catch((err) => app.error(err)); });
    loadBase().catch((err) => app.error(err));
    replace(compositeEl, h('div', { class: 'card' },
      h('h4', null, t('triage.compositeOf', { list: chosen.map((a) => a.number ?? a.id).join(', ') })),
      h('div', { class: 'field' }, h('label', { for: kindId }, t('amend.kindLegend')), kind),
      h('div', { class: 'field' }, h('label', { for: clauseId }, t('triage.clause')), clause),
      h('div', { class: 'field' }, h('label', { for: textId }, t('triage.compositeText', { lang: languageName(lang) })), text),
      h('div', { class: 'field' }, h('label', { for: justId }, t('amend.justification')), just),
      actionButton(t('triage.makeComposite'), async () => {
        const f = { amendments: chosen.map((a) => Number(a.id)), ...kindFields(kind.value), clause: Number(clause.value), lang, justification: just.value.trim() };
        if (!f.justification) { app.error(t('amend.justificationMissing')); just.focus(); return; }
        if (kind.value === 'modify') {
          if (!base) await loadBase();
          const op = diffOp(base?.text ?? '', text.value);
          if (!op.length) { app.error(t('amend.noChange')); text.focus(); return; }
          f.base_revision = base.rev; f.op = op;
        } else if (f.kind === 'insert') {
          if (!text.value.trim()) { app.error(t('amend.textMissing')); text.focus(); return; }
          f.text = text.value.trim();
        }
        await app.request('amendment.composite', f);
        selected.clear();
        await loadAmendments();
        say(t('triage.compositeMade'));
      }, app, { class: 'primary' })));
  }

  function drawAmendments() {
    const groups = ['tabled', 'admissible', 'scheduled', 'voting', 'draft', 'adopted', 'rejected', 'ruled_out', 'composited', 'withdrawn', 'fallen'];
    const visible = amendments.filter((a) => a.state !== 'draft');
    replace(amendEl, visible.length ? groups.filter((g) => visible.some((a) => a.state === g)).map((g) => h('section', { class: 'triage-group' },
      h('h3', null, t(`amstate.${g}`), ` (${visible.filter((a) => a.state === g).length})`),
      h('ul', { class: 'amend-list' }, visible.filter((a) => a.state === g).map(triageCard))))
      : h('p', { class: 'hint' }, t('triage.none')));
    drawOrder();
    drawDeadline();
    drawComposite();
    pollForm.setAmendments(amendments.filter((a) => a.state === 'scheduled'));
  }

  const el = h('div', { class: 'organiser-tools' },
    h('section', { class: 'card', 'aria-labelledby': 'triage-h' },
      h('h2', { id: 'triage-h' }, t('triage.title')),
      h('div', { class: 'field' }, h('label', { for: declSelId }, t('triage.declaration')), declSel),
      deadlineEl,
      amendEl,
      h('h3', null, t('triage.composite')), compositeEl,
      h('h3', { id: 'voting-list-h' }, t('triage.votingList')), h('p', { class: 'hint' }, t('triage.votingListHint')), orderEl),
    h('section', { class: 'card', 'aria-labelledby': 'room-tools-h' },
      h('h2', { id: 'room-tools-h' }, t('floor.roomTools')),
      h('div', { class: 'field' }, h('label', { for: roomSelId }, t('floor.room')), roomSel),
      h('h3', { id: 'polls-admin-h' }, t('floor.polls')), pollList,
      h('details', { class: 'new-poll' }, h('summary', null, t('poll.new')), pollForm),
      floorSlot));

  return {
    el,
    async start() { await Promise.all([loadDecls(), roomId != null ? switchRoom(roomId) : null]); },
    destroy() {
      floor?.destroy();
      for (const u of cleanups) u();
      if (joinedRoom != null) app.request('room.leave', { room: joinedRoom }, { queue: false, resend: false }).catch(() => {});
    },
  };
}
