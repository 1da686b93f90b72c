// Word diff for amendment previews and the op helper.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOp, diffSides, diffStats, tokenize, wordDiff } from '../src/worddiff.js';
import { diffOp } from '../src/ot/unicode.js';

test('tokenize: words, spaces, punctuation; accents, Arabic and apostrophes stay in words', () => {
  assert.deepEqual(tokenize('We call, now!'), ['We', ' ', 'call', ',', ' ', 'now', '!']);
  assert.deepEqual(tokenize('migrants’ l’État naïve'), ['migrants', '’', ' ', 'l’État', ' ', 'naïve']);
  assert.deepEqual(tokenize('حقوق العمال'), ['حقوق', ' ', 'العمال']);
  assert.deepEqual(tokenize(''), []);
});

test('wordDiff: identical texts are one equal part', () => {
  assert.deepEqual(wordDiff('a b c', 'a b c'), [{ op: 'equal', text: 'a b c' }]);
  assert.deepEqual(wordDiff('', ''), []);
});

test('wordDiff: a replaced word is a delete then an insert, whole words only', () => {
  assert.deepEqual(wordDiff('We urge all States to act.', 'We call on all States to act.'), [
    { op: 'equal', text: 'We ' },
    { op: 'delete', text: 'urge' },
    { op: 'insert', text: 'call on' },
    { op: 'equal', text: ' all States to act.' },
  ]);
  // A changed word is never split into letters.
  const d = wordDiff('decent work', 'decent working');
  assert.deepEqual(d, [{ op: 'equal', text: 'decent ' }, { op: 'delete', text: 'work' }, { op: 'insert', text: 'working' }]);
});

test('wordDiff: insertions and deletions in several places; both sides reproduce the texts', () => {
  const a = 'The right to vote and to stand for election in the country of residence.';
  const b = 'The full right to vote in the country of residence and of origin.';
  const d = wordDiff(a, b);
  assert.deepEqual(diffSides(d), { before: a, after: b });
  assert.ok(d.some((p) => p.op === 'insert' && p.text.includes('full')));
  assert.ok(d.some((p) => p.op === 'delete' && p.text.includes('stand')));
  // No two neighbours with the same op.
  for (let i = 1; i < d.length; i++) assert.notEqual(d[i].op, d[i - 1].op);
});

test('wordDiff: a lone space between two changes is folded in', () => {
  const d = wordDiff('red green blue', 'one two blue');
  assert.deepEqual(d, [{ op: 'delete', text: 'red green' }, { op: 'insert', text: 'one two' }, { op: 'equal', text: ' blue' }]);
});

test('wordDiff: from and to empty texts', () => {
  assert.deepEqual(wordDiff('', 'new text'), [{ op: 'insert', text: 'new text' }]);
  assert.deepEqual(wordDiff('old text', ''), [{ op: 'delete', text: 'old text' }]);
});

test('wordDiff: very long rewrites fall back to one delete and one insert', () => {
  const a = Array.from({ length: 800 }, (_, i) => `a${i}`).join(' ');
  const b = Array.from({ length: 800 }, (_, i) => `b${i}`).join(' ');
  const d = wordDiff(a, b);
  assert.deepEqual(diffSides(d), { before: a, after: b });
});

test('diffStats counts words, not spaces or punctuation', () => {
  assert.deepEqual(diffStats(wordDiff('We urge all States.', 'We call on all States, now.')), { removed: 1, added: 3 });
});

test('applyOp applies the op diffOp makes (code points, astral characters)', () => {
  const cases = [['abc', 'abXc'], ['We urge 🌍 States', 'We call on 🌍 States'], ['x', ''], ['', 'new'], ['same', 'same']];
  for (const [a, b] of cases) assert.equal(applyOp(a, diffOp(a, b)), b, `${a} -> ${b}`);
  assert.equal(applyOp('abcdef', [2, { d: 'cd' }, 'XY']), 'abXYef');
});
