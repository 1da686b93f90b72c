// The export panel's pure helpers: the file name from Content-Disposition (RFC 6266, with
// filename* winning over filename) and the query of a declaration export.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declarationUrl, dispositionName, recordUrl } from '../src/views/export.js';

test('file names from Content-Disposition', () => {
  assert.equal(dispositionName('attachment; filename="declaration-7-en.pdf"'), 'declaration-7-en.pdf');
  assert.equal(dispositionName('attachment; filename=plain.md'), 'plain.md');
  assert.equal(dispositionName('attachment; filename="a \\"b\\".md"'), 'a "b".md');
  assert.equal(dispositionName("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''D%C3%A9claration%20d%27Oaxaca.pdf"), "Déclaration d'Oaxaca.pdf");
  assert.equal(dispositionName("attachment; filename*=utf-8''%D8%A5%D8%B9%D9%84%D8%A7%D9%86.html"), 'إعلان.html');
  assert.equal(dispositionName('inline'), null);
  assert.equal(dispositionName(null), null);
  assert.equal(dispositionName(''), null);
});

test('export URLs', () => {
  assert.equal(declarationUrl(7, { format: 'pdf', lang: 'fr', history: true, annexes: ['votes', 'signatories'] }),
    '/api/export/declaration/7?format=pdf&lang=fr&history=1&annexes=votes,signatories');
  assert.equal(declarationUrl(7, { format: 'md', lang: '', history: false, annexes: [] }),
    '/api/export/declaration/7?format=md&lang=all&history=0');
  assert.equal(recordUrl(3, 'html'), '/api/export/forum/3/record?format=html');
});
