// Pure helpers for polls, ballots and the speakers' timer (no DOM; test/ballot.test.mjs).
// Choice wire forms (protocols, backend/core/votes/ballot.hpp):
//   yes_no_abstain {vote}, single_choice {option}, ranked {ranking: [...]}, consensus {position, reason?}

export const METHODS = ['yes_no_abstain', 'single_choice', 'ranked', 'consensus'];
export const THRESHOLDS = ['simple_majority', 'absolute_majority', 'two_thirds', 'fraction'];
export const BALANCES = ['plain', 'alternate_gender', 'alternate_constituency', 'first_time_first', 'cap_per_organisation'];

/** A copy of list with item i moved by delta places (clamped); the same list when it cannot move. */
export function moveItem(list, i, delta) {
  const j = Math.max(0, Math.min(list.length - 1, i + delta));
  if (i < 0 || i >= list.length || j === i) return list.slice();
  const out = list.slice();
  const [x] = out.splice(i, 1);
  out.splice(j, 0, x);
  return out;
}

/** Poll options as [{id, label}] whatever the server sends (strings or objects). */
export function optionsOf(poll) {
  return (poll?.options || []).map((o, i) => {
    if (typeof o === 'string' || typeof o === 'number') return { id: String(o), label: String(o) };
    const id = String(o.id ?? o.option ?? o.key ?? i);
    const label = o.label ?? o.text ?? o.title ?? o.name ?? id;
    return { id, label };
  });
}

/**
 * The wire choice for what the voter picked, or {error} naming what is missing:
 * state = {vote} | {option} | {ranking} | {position, reason}.
 */
export function choiceFor(method, state) {
  switch (method) {
    case 'yes_no_abstain':
      return ['yes', 'no', 'abstain'].includes(state.vote) ? { vote: state.vote } : { error: 'pick' };
    case 'single_choice':
      return state.option != null && state.option !== '' ? { option: String(state.option) } : { error: 'pick' };
    case 'ranked': {
      const r = (state.ranking || []).map(String);
      if (!r.length) return { error: 'pick' };
      if (new Set(r).size !== r.length) return { error: 'duplicate' };
      return { ranking: r };
    }
    case 'consensus': {
      if (!['agree', 'stand_aside', 'block'].includes(state.position)) return { error: 'pick' };
      const reason = String(state.reason || '').trim();
      if (state.position === 'block') return reason ? { position: 'block', reason } : { error: 'reason' };
      return { position: state.position };
    }
    default:
      return { error: 'method' };
  }
}

/** The catalogue key and values that say what the voter chose (for the confirmation step). */
export function describeChoice(method, choice, options = []) {
  const label = (id) => options.find((o) => o.id === id)?.label ?? id;
  switch (method) {
    case 'yes_no_abstain': return { key: `vote.choice.${choice.vote}` };
    case 'single_choice': return { key: 'vote.youChose', vars: { choice: label(choice.option) } };
    case 'ranked': return { key: 'vote.youRanked', vars: { choice: choice.ranking.map((id, i) => `${i + 1}. ${label(id)}`).join(', ') } };
    case 'consensus': return { key: `vote.position.${choice.position}` };
    default: return { key: 'vote.youChose', vars: { choice: '' } };
  }
}

/**
 * A threshold or quorum rule as data -> {key, vars} for the catalogue:
 * {kind: simple_majority|absolute_majority|two_thirds} or {kind: fraction, p, q, base, strict};
 * quorum {kind: fraction, p, q} | {kind: absolute, minimum}; null/undefined = none.
 */
export function describeRule(rule) {
  if (rule == null) return { key: 'poll.rule.none' };
  const r = typeof rule === 'string' ? { kind: rule } : rule;
  if (r.kind === 'fraction') {
    const base = r.base === 'entitled' ? 'entitled' : 'cast';
    return { key: `poll.rule.fraction.${base}${r.strict ? '.strict' : ''}`, vars: { p: r.p, q: r.q } };
  }
  if (r.kind === 'absolute') return { key: 'poll.quorum.absolute', vars: { n: r.minimum } };
  return { key: `poll.rule.${r.kind}` };
}

/** Parse the organiser's "p/q" (e.g. "3/5") into {p, q}, or null when it is not 0 < p <= q. */
export function parseFraction(s) {
  const m = String(s || '').trim().match(/^(\d{1,7})\s*\/\s*(\d{1,7})$/);
  if (!m) return null;
  const p = Number(m[1]); const q = Number(m[2]);
  return p > 0 && q > 0 && p <= q ? { p, q } : null;
}

/**
 * Seconds left for the current speaker, counted down locally from a speakers.updated snapshot:
 * `remaining` at the server's `now` (both from the snapshot, `now` in seconds or ms or ISO),
 * `receivedAt` the local time (ms) the snapshot arrived, `nowMs` the local time now.
 * Returns null when there is no limit.
 */
export function secondsLeft(current, receivedAt, nowMs) {
  if (!current) return null;
  let rem = current.remaining;
  const limit = current.limit;
  if (rem == null) {
    if (!limit) return null;
    rem = limit;
  }
  if (!limit && rem === 0 && current.remaining == null) return null;
  const elapsed = Math.max(0, (nowMs - receivedAt) / 1000);
  return Math.max(0, Math.ceil(rem - elapsed));
}

/** 75 -> "1:15"; negative -> "0:00". */
export function formatClock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Percent of a/b rounded to one decimal (display only; decisions use the server's integers). */
export function percent(a, b) {
  if (!b) return 0;
  return Math.round((1000 * a) / b) / 10;
}

/** A poll with its settings (method, options, threshold, quorum, revote) flattened onto it. */
export function normPoll(p) {
  if (!p || typeof p !== 'object') return p;
  return { ...(p.settings || {}), ...p };
}
