// Ballot, poll and timer helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choiceFor, describeChoice, describeRule, formatClock, moveItem, optionsOf, parseFraction, percent, secondsLeft } from '../src/ballot.js';

test('moveItem moves up and down and clamps at the ends without changing the input', () => {
  const l = ['a', 'b', 'c', 'd'];
  assert.deepEqual(moveItem(l, 2, -1), ['a', 'c', 'b', 'd']);
  assert.deepEqual(moveItem(l, 0, 1), ['b', 'a', 'c', 'd']);
  assert.deepEqual(moveItem(l, 0, -1), ['a', 'b', 'c', 'd']);
  assert.deepEqual(moveItem(l, 3, 1), ['a', 'b', 'c', 'd']);
  assert.deepEqual(moveItem(l, 3, -3), ['d', 'a', 'b', 'c']);
  assert.deepEqual(moveItem(l, 9, 1), l);
  assert.deepEqual(l, ['a', 'b', 'c', 'd']);
});

test('optionsOf accepts strings and objects', () => {
  assert.deepEqual(optionsOf({ options: ['A', 'B'] }), [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }]);
  assert.deepEqual(optionsOf({ options: [{ id: 'x', label: 'Text X' }, { id: 2, text: 'Two' }] }), [{ id: 'x', label: 'Text X' }, { id: '2', label: 'Two' }]);
  assert.deepEqual(optionsOf({}), []);
});

test('choiceFor builds each method\'s wire form and refuses incomplete ballots', () => {
  assert.deepEqual(choiceFor('yes_no_abstain', { vote: 'yes' }), { vote: 'yes' });
  assert.deepEqual(choiceFor('yes_no_abstain', {}), { error: 'pick' });
  assert.deepEqual(choiceFor('yes_no_abstain', { vote: 'maybe' }), { error: 'pick' });
  assert.deepEqual(choiceFor('single_choice', { option: 'b' }), { option: 'b' });
  assert.deepEqual(choiceFor('single_choice', {}), { error: 'pick' });
  assert.deepEqual(choiceFor('ranked', { ranking: ['b', 'a'] }), { ranking: ['b', 'a'] });
  assert.deepEqual(choiceFor('ranked', { ranking: ['a', 'a'] }), { error: 'duplicate' });
  assert.deepEqual(choiceFor('ranked', { ranking: [] }), { error: 'pick' });
  assert.deepEqual(choiceFor('consensus', { position: 'agree', reason: 'x' }), { position: 'agree' });
  assert.deepEqual(choiceFor('consensus', { position: 'stand_aside' }), { position: 'stand_aside' });
  assert.deepEqual(choiceFor('consensus', { position: 'block', reason: '  ' }), { error: 'reason' });
  assert.deepEqual(choiceFor('consensus', { position: 'block', reason: ' Excludes seasonal workers ' }), { position: 'block', reason: 'Excludes seasonal workers' });
  assert.deepEqual(choiceFor('approval', {}), { error: 'method' });
});

test('describeChoice names the choice for the confirmation step', () => {
  const opts = [{ id: 'a', label: 'Amendment 1' }, { id: 'b', label: 'Amendment 2' }];
  assert.deepEqual(describeChoice('yes_no_abstain', { vote: 'no' }), { key: 'vote.choice.no' });
  assert.deepEqual(describeChoice('ranked', { ranking: ['b', 'a'] }, opts), { key: 'vote.youRanked', vars: { choice: '1. Amendment 2, 2. Amendment 1' } });
  assert.deepEqual(describeChoice('single_choice', { option: 'a' }, opts), { key: 'vote.youChose', vars: { choice: 'Amendment 1' } });
  assert.deepEqual(describeChoice('consensus', { position: 'block', reason: 'r' }), { key: 'vote.position.block' });
});

test('describeRule covers every threshold and quorum form', () => {
  assert.deepEqual(describeRule({ kind: 'simple_majority' }), { key: 'poll.rule.simple_majority' });
  assert.deepEqual(describeRule('two_thirds'), { key: 'poll.rule.two_thirds' });
  assert.deepEqual(describeRule({ kind: 'fraction', p: 3, q: 5, base: 'entitled', strict: true }), { key: 'poll.rule.fraction.entitled.strict', vars: { p: 3, q: 5 } });
  assert.deepEqual(describeRule({ kind: 'fraction', p: 1, q: 2 }), { key: 'poll.rule.fraction.cast', vars: { p: 1, q: 2 } });
  assert.deepEqual(describeRule({ kind: 'absolute', minimum: 40 }), { key: 'poll.quorum.absolute', vars: { n: 40 } });
  assert.deepEqual(describeRule(null), { key: 'poll.rule.none' });
});

test('parseFraction', () => {
  assert.deepEqual(parseFraction('3/5'), { p: 3, q: 5 });
  assert.deepEqual(parseFraction(' 1 / 2 '), { p: 1, q: 2 });
  assert.equal(parseFraction('5/3'), null);
  assert.equal(parseFraction('0/3'), null);
  assert.equal(parseFraction('half'), null);
});

test('secondsLeft counts down locally from the snapshot and stops at zero', () => {
  const cur = { delegate: 1, limit: 120, remaining: 90 };
  assert.equal(secondsLeft(cur, 1000, 1000), 90);
  assert.equal(secondsLeft(cur, 1000, 11000), 80);
  assert.equal(secondsLeft(cur, 1000, 10500), 81);
  assert.equal(secondsLeft(cur, 1000, 500000), 0);
  assert.equal(secondsLeft({ delegate: 1, limit: 60 }, 0, 0), 60);
  assert.equal(secondsLeft({ delegate: 1, limit: 0 }, 0, 0), null);
  assert.equal(secondsLeft(null, 0, 0), null);
});

test('formatClock and percent', () => {
  assert.equal(formatClock(75), '1:15');
  assert.equal(formatClock(5), '0:05');
  assert.equal(formatClock(-3), '0:00');
  assert.equal(percent(1, 3), 33.3);
  assert.equal(percent(0, 0), 0);
});

test('normPoll flattens the settings under the poll fields', async () => {
  const { normPoll } = await import('../src/ballot.js');
  const p = normPoll({ id: 3, method: 'ranked', state: 'open', settings: { method: 'ranked', options: ['a', 'b'], threshold: { kind: 'two_thirds' }, revote: false } });
  assert.deepEqual(p.options, ['a', 'b']);
  assert.deepEqual(p.threshold, { kind: 'two_thirds' });
  assert.equal(p.state, 'open');
  assert.equal(normPoll(null), null);
});
