// The message catalogues are complete: the same keys in every language, the same
// {placeholders}, no empty strings, and every literal key used in src/ exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const dir = new URL('../static/i18n/', import.meta.url).pathname;
const src = new URL('../src/', import.meta.url).pathname;
const cats = Object.fromEntries(['en', 'es', 'fr', 'pt', 'ar'].map((l) => [l, JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8'))]));
const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every catalogue has the same keys and placeholders as English', () => {
  const keys = Object.keys(cats.en).sort();
  for (const [l, cat] of Object.entries(cats)) {
    assert.deepEqual(Object.keys(cat).sort(), keys, `${l}: keys`);
    for (const k of keys) {
      assert.ok(typeof cat[k] === 'string' && cat[k].trim(), `${l}: ${k} is empty`);
      // Plural forms may drop {n} (Arabic "one"/"two" say the number in words).
      if (!/\.(zero|one|two)$/.test(k)) assert.equal(holes(cat[k]), holes(cats.en[k]), `${l}: placeholders of ${k}`);
    }
  }
});

test('every literal key used in the source exists', () => {
  const files = [];
  const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.js')) files.push(p); } };
  walk(src);
  const missing = [];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\btp?\(\s*'([a-zA-Z0-9_.-]+)'/g)) {
      const k = m[1];
      if (!(k in cats.en) && !Object.keys(cats.en).some((x) => x.startsWith(`${k}.`))) missing.push(`${f}: ${k}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every error code of protocols/errors.json has a message', () => {
  const errors = JSON.parse(readFileSync(new URL('../../protocols/errors.json', import.meta.url), 'utf8')).errors;
  for (const e of errors) assert.ok(`error.${e.code}` in cats.en, e.code);
});

test('keys built at run time exist for every value', () => {
  const need = [
    ...['connecting', 'online', 'reconnecting', 'offline'].map((s) => `conn.${s}`),
    ...['registered', 'accredited', 'rejected'].flatMap((s) => [`status.${s}`, `home.statusHelp.${s}`]),
    ...['drafting', 'amendments', 'voting', 'adopted', 'published'].map((s) => `phase.${s}`),
    ...['delegate', 'observer', 'organiser', 'moderator', 'rapporteur', 'translator', 'drafting'].map((s) => `role.${s}`),
    ...['original', 'current', 'stale', 'machine'].map((s) => `trstatus.${s}`),
    ...['synchronized', 'awaiting', 'awaiting-buffer', 'offline'].map((s) => `sync.${s}`),
    ...['migrant_association', 'trade_union', 'ngo', 'faith_based', 'womens_group', 'academic', 'other'].map((s) => `constituency.${s}`),
    ...['bad_json', 'bad_message', 'unknown_type', 'too_large', 'bad_utf8', 'rate_limited', 'protocol_version', 'unauthenticated',
      'token_expired', 'bad_credentials', 'throttled', 'not_allowed', 'not_accredited', 'not_found', 'conflict', 'invalid_state',
      'bad_op', 'bad_revision', 'duplicate', 'translation_unavailable', 'unavailable', 'internal'].map((c) => `error.${c}`),
  ];
  for (const k of need) assert.ok(k in cats.en, k);
});
