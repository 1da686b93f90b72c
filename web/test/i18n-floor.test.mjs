// Keys the amendment, ballot and floor views build at run time exist in every catalogue.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BALANCES, METHODS, THRESHOLDS } from '../src/ballot.js';

const dir = new URL('../static/i18n/', import.meta.url).pathname;
const cats = Object.fromEntries(['en', 'es', 'fr', 'pt', 'ar'].map((l) => [l, JSON.parse(readFileSync(`${dir}${l}.json`, 'utf8'))]));

test('run-time keys of amendments, polls, results and the floor exist in all five languages', () => {
  const need = [
    ...['draft', 'tabled', 'admissible', 'ruled_out', 'composited', 'scheduled', 'voting', 'adopted', 'rejected', 'withdrawn', 'fallen'].map((s) => `amstate.${s}`),
    ...['modify', 'insert', 'delete'].map((k) => `amend.kind.${k}`),
    ...['confirmed', 'invited', 'reconfirm'].map((k) => `amend.sponsor.${k}`),
    ...['created', 'open', 'closed', 'published'].flatMap((s) => [`pollstate.${s}`, `vote.now.${s}`]),
    ...METHODS.flatMap((m) => [`method.${m}`, `vote.legend.${m}`]),
    ...THRESHOLDS.map((x) => `threshold.${x}`),
    ...BALANCES.map((b) => `balance.${b}`),
    ...['cast', 'entitled'].map((b) => `base.${b}`),
    ...['none', 'fraction', 'absolute'].map((q) => `quorum.${q}`),
    ...['question', 'amendment', 'declaration'].map((s) => `poll.subject.${s}`),
    ...['yes', 'no', 'abstain'].map((v) => `vote.choice.${v}`),
    ...['agree', 'stand_aside', 'block'].map((v) => `vote.position.${v}`),
    ...['pick', 'duplicate', 'reason', 'method'].map((e) => `vote.error.${e}`),
    ...['adopted', 'rejected', 'no_quorum', 'elected', 'tie', 'no_votes', 'consensus', 'blocked', 'no_consensus', 'adopted_by_fallback', 'rejected_by_fallback'].map((o) => `outcome.${o}`),
    ...['yes', 'no', 'abstain', 'cast', 'agree', 'stand_aside', 'block'].map((c) => `result.count.${c}`),
    ...['simple_majority', 'absolute_majority', 'two_thirds', 'none', 'fraction.cast', 'fraction.cast.strict', 'fraction.entitled', 'fraction.entitled.strict'].map((r) => `poll.rule.${r}`),
    ...['same', 'modified', 'inserted', 'deleted'].map((c) => `versions.change.${c}`),
    'poll.quorum.absolute', 'poll.secret', 'poll.named', 'vote.youChose', 'vote.youRanked', 'amend.tabled', 'amend.drafted', 'amend.edited',
  ];
  for (const [l, cat] of Object.entries(cats)) for (const k of need) assert.ok(k in cat, `${l}: ${k}`);
});

test('Arabic strings of the new views are in Arabic script (not left in English)', () => {
  const en = cats.en; const ar = cats.ar;
  const mine = Object.keys(en).filter((k) => /^(amend|amstate|triage|poll|pollstate|vote|result|outcome|floor|balance|agenda|method|threshold|base|quorum|versions)\./.test(k));
  const untranslated = mine.filter((k) => !/[\u0600-\u06ff]/.test(ar[k]));
  assert.deepEqual(untranslated, []);
});
