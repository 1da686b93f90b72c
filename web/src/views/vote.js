// The ballot (#/poll/ID): one decision per screen, built for a phone. The voter joins the
// poll's room (only delegates present may vote), picks — yes/no/abstain, one option, a ranking
// reordered with buttons, or a consensus position with a reason for a block — confirms, and
// sees the live count of ballots cast and, once published, the result and how the threshold
// was computed. Pushes: poll.count, poll.updated, poll.result (to the room).
import { h, newId, replace } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { choiceFor, describeChoice, describeRule, moveItem, normPoll, optionsOf, percent } from '../ballot.js';
import { actionButton, heading, loading, requireLogin, sessionOrTimeout } from './common.js';

const idEq = (a, b) => a != null && b != null && String(a) === String(b);

export function pollTitle(poll, amendment) {
  if (poll.title) return poll.title;
  if (poll.question) return poll.question;
  if (poll.amendment != null) return t('poll.onAmendment', { n: amendment?.number ?? poll.amendment });
  if (poll.declaration != null) return t('poll.onDeclaration');
  return t('poll.title');
}

// The numbers a rule used, by name, without the rule's own parameters (p, q).
const numbers = (o) => Object.entries(o).filter(([k]) => k !== 'p' && k !== 'q')
  .map(([k, v]) => `${t(`result.count.${k}`) !== `result.count.${k}` ? t(`result.count.${k}`) : k} ${formatNumber(v)}`).join(' · ');

/** The published result: outcome, numbers, and the rule with the numbers it used. */
export function resultView(result, poll) {
  if (!result) return null;
  const d = result.detail || {};
  const opts = optionsOf(poll);
  const label = (id) => opts.find((o) => o.id === String(id))?.label ?? id;
  const rows = [];
  const row = (k, v) => rows.push(h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v)));
  if (d.counts && !Array.isArray(d.counts)) {
    // A fixed, meaningful order (the server's object has its keys sorted alphabetically).
    const order = ['yes', 'no', 'abstain', 'cast', 'agree', 'stand_aside', 'block'];
    const keys = Object.keys(d.counts).sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
    for (const k of keys) row(t(`result.count.${k}`), formatNumber(d.counts[k]));
  } else if (Array.isArray(d.counts)) {
    for (const c of d.counts) row(label(c.option), formatNumber(c.votes));
  }
  row(t('result.ballots'), formatNumber(result.ballots ?? 0));
  row(t('result.entitled'), formatNumber(result.entitled ?? 0));
  const ruleDesc = d.rule && typeof d.rule === 'object' ? describeRule(d.rule) : null;
  const th = d.threshold;
  const how = [];
  if (ruleDesc) how.push(h('p', null, t('result.rule'), ': ', t(ruleDesc.key, ruleDesc.vars)));
  if (th?.numbers) how.push(h('p', { class: 'hint' }, t('result.numbersUsed'), ' ', numbers(th.numbers)));
  if (th) how.push(h('p', null, t(th.passed ? 'result.ruleMet' : 'result.ruleNotMet')));
  if (th?.explanation) how.push(h('p', { class: 'hint', lang: 'en', dir: 'ltr' }, th.explanation));
  if (result.quorum) {
    const q = poll?.quorum ? describeRule(poll.quorum.kind === 'fraction' ? { kind: 'fraction', p: poll.quorum.p, q: poll.quorum.q, base: 'entitled' } : poll.quorum) : null;
    how.push(h('p', null, t(result.quorum.passed ? 'result.quorumMet' : 'result.quorumMissed'),
      q ? ` — ${t(q.key, q.vars)}` : '', result.quorum.numbers ? ` (${numbers(result.quorum.numbers)})` : ''));
  }
  if (d.schulze?.ranking) how.push(h('p', null, t('result.ranking'), ' ', d.schulze.ranking.map((x, i) => `${i + 1}. ${label(typeof x === 'object' ? x.option ?? x.id : x)}`).join(', ')));
  if (Array.isArray(d.blocks) && d.blocks.length) {
    how.push(h('h3', null, t('result.blocks')), h('ul', null, d.blocks.map((b) => h('li', { dir: 'auto' }, b.reason))));
  }
  const yesPct = d.counts?.cast ? percent(d.counts.yes, d.counts.cast) : null;
  return h('section', { class: `result card result-${result.passed ? 'passed' : 'failed'}`, 'aria-labelledby': 'result-h', dataset: { outcome: result.outcome } },
    h('h2', { id: 'result-h' }, t('result.title')),
    h('p', { class: 'outcome' }, t(`outcome.${result.outcome}`) !== `outcome.${result.outcome}` ? t(`outcome.${result.outcome}`) : result.outcome,
      result.winner != null ? ` — ${label(result.winner)}` : ''),
    yesPct != null && h('div', { class: 'bar', role: 'img', 'aria-label': t('result.yesShare', { pct: formatNumber(yesPct) }) },
      h('span', { class: 'bar-yes', style: `inline-size:${yesPct}%` })),
    h('table', { class: 'numbers' }, h('caption', { class: 'visually-hidden' }, t('result.numbers')), h('tbody', null, rows)),
    how);
}

export async function render({ app, main, params, isCurrent }) {
  replace(main, heading(t('vote.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  await requireLogin(app);
  if (!isCurrent()) return;
  let poll = normPoll((await app.request('poll.get', { poll: params.poll })).poll);
  if (!isCurrent()) return;
  let amendment = null;
  if (poll.amendment != null) {
    try { amendment = (await app.request('amendment.get', { amendment: poll.amendment })).amendment; } catch { /* shown without its text */ }
  }
  let count = { ballots: poll.ballots ?? poll.count?.ballots ?? null, entitled: poll.entitled ?? poll.count?.entitled ?? null };
  let result = poll.result || null;
  let step = poll.you?.voted ? 'done' : 'choose'; // choose -> confirm -> done
  let choiceState = { ranking: optionsOf(poll).map((o) => o.id) };
  let cast = null;
  const roomId = poll.room;

  const countEl = h('p', { class: 'vote-count', id: 'vote-count', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const stateNote = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'assertive' });
  const body = h('div', { class: 'ballot-body' });
  const headEl = h('div');

  function renderCount() {
    if (count.ballots == null) { replace(countEl); return; }
    replace(countEl, count.entitled != null
      ? t('vote.countOf', { n: formatNumber(count.ballots), of: formatNumber(count.entitled) })
      : t('vote.count', { n: formatNumber(count.ballots) }));
  }

  function renderHead() {
    replace(headEl,
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/room/${roomId}` }, t('vote.back'))),
      heading(pollTitle(poll, amendment), 1, { dir: 'auto' }),
      h('p', { class: 'lead' }, h('span', { class: `badge poll-${poll.state}` }, t(`pollstate.${poll.state}`)), ' · ',
        t(poll.secret ? 'poll.secret' : 'poll.named'), ' · ', t(describeRule(poll.threshold).key, describeRule(poll.threshold).vars)),
      amendment && h('div', { class: 'card' }, h('p', null, h('strong', null, t('amend.numbered', { n: amendment.number ?? amendment.id }))),
        amendment.kind === 'modify' && Array.isArray(amendment.diff)
          ? h('p', { class: 'diff', dir: 'auto' }, amendment.diff.map((p) => (p.op === 'insert' ? h('ins', null, p.text) : p.op === 'delete' ? h('del', null, p.text) : p.text)))
          : h('p', { dir: 'auto' }, amendment.text || t(`amend.kind.${amendment.kind}`))),
      countEl);
  }

  function options() { return optionsOf(poll); }

  function chooser() {
    const name = newId('ch');
    const radio = (value, label, key, extra) => {
      const id = newId('opt');
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name, value, checked: choiceState[key] === value, onchange: () => { choiceState[key] = value; extra?.(); } }),
        h('label', { for: id }, label));
    };
    const legend = h('legend', null, t(`vote.legend.${poll.method}`));
    if (poll.method === 'yes_no_abstain') {
      return h('fieldset', { class: 'choices' }, legend,
        ['yes', 'no', 'abstain'].map((v) => radio(v, t(`vote.choice.${v}`), 'vote')));
    }
    if (poll.method === 'single_choice') {
      return h('fieldset', { class: 'choices' }, legend, options().map((o) => radio(o.id, o.label, 'option')));
    }
    if (poll.method === 'consensus') {
      const reasonId = newId('reason');
      const reasonBox = h('div', { class: 'field', hidden: choiceState.position !== 'block' },
        h('label', { for: reasonId }, t('vote.blockReason')),
        h('textarea', { id: reasonId, rows: 3, dir: 'auto', oninput: (e) => { choiceState.reason = e.target.value; } }));
      const show = () => { reasonBox.hidden = choiceState.position !== 'block'; };
      return h('div', null, h('fieldset', { class: 'choices' }, legend,
        ['agree', 'stand_aside', 'block'].map((v) => radio(v, t(`vote.position.${v}`), 'position', show))), reasonBox);
    }
    // ranked: an ordered list with move buttons (no drag needed).
    const list = h('ol', { class: 'ranking', 'aria-describedby': 'rank-help' });
    const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const draw = (focus) => {
      const opts = options();
      const label = (id) => opts.find((o) => o.id === id)?.label ?? id;
      replace(list, choiceState.ranking.map((id, i) => h('li', { class: 'rank-item', dataset: { option: id } },
        h('span', { class: 'rank-n', 'aria-hidden': 'true' }, String(i + 1)),
        h('span', { class: 'rank-label', dir: 'auto' }, label(id)),
        h('span', { class: 'rank-buttons' },
          h('button', { type: 'button', class: 'secondary', disabled: i === 0, dataset: { act: `up-${id}` }, 'aria-label': t('vote.moveUp', { option: label(id) }), onclick: () => mv(i, -1, `up-${id}`) }, '↑'),
          h('button', { type: 'button', class: 'secondary', disabled: i === choiceState.ranking.length - 1, dataset: { act: `down-${id}` }, 'aria-label': t('vote.moveDown', { option: label(id) }), onclick: () => mv(i, 1, `down-${id}`) }, '↓')))));
      if (focus) {
        const b = list.querySelector(`[data-act="${focus}"]`);
        (b && !b.disabled ? b : list.querySelector(`[data-option] button:not([disabled])`))?.focus();
      }
    };
    const mv = (i, delta, focus) => {
      choiceState.ranking = moveItem(choiceState.ranking, i, delta);
      const opts = options();
      const id = choiceState.ranking[Math.max(0, Math.min(choiceState.ranking.length - 1, i + delta))];
      replace(live, t('vote.movedTo', { option: opts.find((o) => o.id === id)?.label ?? id, n: choiceState.ranking.indexOf(id) + 1 }));
      draw(focus);
    };
    draw();
    return h('fieldset', { class: 'choices' }, legend, h('p', { class: 'hint', id: 'rank-help' }, t('vote.rankHelp')), list, live);
  }

  function renderBody() {
    renderHead();
    if (poll.state === 'created') { replace(body, h('p', { class: 'notice-box' }, t('vote.notOpen'))); return; }
    if (poll.state === 'closed') { replace(body, h('p', { class: 'notice-box' }, t('vote.closedWaiting')), cast && h('p', null, t('vote.yourBallotCounted'))); return; }
    if (poll.state === 'published') { replace(body, resultView(result, poll) || h('p', null, t('vote.resultComing'))); return; }
    // open
    if (poll.you && !poll.you.eligible && !(poll.you.proxy_for || []).length) {
      replace(body, h('p', { class: 'notice-box' }, t('vote.notOnRoll')));
      return;
    }
    if (step === 'done') {
      replace(body, h('div', { class: 'inline-notice', id: 'ballot-done', tabindex: '-1' }, t('vote.received')),
        cast && h('p', null, t(cast.key, cast.vars)),
        poll.revote && h('button', { type: 'button', class: 'secondary', onclick: () => { step = 'choose'; renderBody(); } }, t('vote.change')));
      body.querySelector('#ballot-done')?.focus();
      return;
    }
    if (step === 'confirm') {
      const choice = choiceFor(poll.method, choiceState);
      const desc = describeChoice(poll.method, choice, options());
      replace(body, h('div', { class: 'confirm card', role: 'group', 'aria-labelledby': 'confirm-h' },
        h('h2', { id: 'confirm-h', tabindex: '-1' }, t('vote.confirmTitle')),
        h('p', { class: 'your-choice' }, t(desc.key, desc.vars)),
        choice.reason && h('p', { dir: 'auto' }, t('vote.blockReason'), ': ', choice.reason),
        h('div', { class: 'actions big' },
          actionButton(t('vote.cast'), async () => {
            try {
              await app.request('ballot.cast', { poll: poll.id, choice });
            } catch (err) {
              if (err.code !== 'duplicate') throw err; // a resend after a dropped line: already counted
            }
            cast = desc; step = 'done'; renderBody();
            replace(stateNote, t('vote.received'));
          }, app, { class: 'primary' }),
          h('button', { type: 'button', class: 'secondary', onclick: () => { step = 'choose'; renderBody(); } }, t('vote.back2')))));
      body.querySelector('#confirm-h')?.focus();
      return;
    }
    const form = h('form', { class: 'ballot', novalidate: true }, chooser(),
      h('div', { class: 'actions big' }, h('button', { type: 'submit', class: 'primary' }, t('vote.next'))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const c = choiceFor(poll.method, choiceState);
      if (c.error) { app.error(t(`vote.error.${c.error}`)); form.querySelector('input, textarea, button')?.focus(); return; }
      step = 'confirm'; renderBody();
    });
    replace(body, form);
  }

  const unsub = [
    app.socket.on('poll.count', (m) => {
      if (!idEq(m.poll, poll.id)) return;
      count = { ballots: m.ballots, entitled: m.entitled ?? count.entitled };
      renderCount();
    }),
    app.socket.on('poll.updated', (m) => {
      const p = m.poll;
      if (!p || !idEq(p.id ?? p, poll.id)) return;
      const was = poll.state;
      if (typeof p === 'object') poll = { ...poll, ...normPoll(p) };
      if (p.result) result = p.result;
      if (was !== poll.state) {
        replace(stateNote, t(`vote.now.${poll.state}`));
        // Pushes carry no `you` (the roll is fixed at opening): ask again.
        app.request('poll.get', { poll: poll.id }).then((r) => { poll = normPoll(r.poll); if (poll.result) result = poll.result; renderBody(); })
          .catch((err) => app.error(err));
        renderBody();
      }
      else renderHead();
    }),
    app.socket.on('poll.result', (m) => {
      if (!idEq(m.poll?.id ?? m.poll, poll.id)) return;
      result = m.result; poll = { ...poll, state: 'published' };
      replace(stateNote, t('vote.now.published'));
      renderBody();
    }),
    app.socket.onResume(async () => {
      try {
        await app.request('room.join', { room: roomId });
        poll = normPoll((await app.request('poll.get', { poll: poll.id })).poll);
        if (poll.result) result = poll.result;
        renderBody();
      } catch (err) { app.error(err); }
    }),
  ];

  replace(main, headEl, body, stateNote);
  renderCount();
  renderBody();
  let joined = false;
  if (roomId != null) {
    try { await app.request('room.join', { room: roomId }); joined = true; } catch (err) { app.error(err); }
  }
  return () => {
    for (const u of unsub) u();
    if (joined) app.request('room.leave', { room: roomId }, { queue: false, resend: false }).catch(() => {});
  };
}
