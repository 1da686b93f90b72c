// Build the browser client: bundle src/main.js with esbuild and copy static/ into dist/.
// The service worker gets the list of app-shell files and a version derived from their
// contents, so a new build replaces the old cache. Prints raw and gzip sizes at the end;
// fails when the first load (shell + one catalogue) is over the 150 KB compressed budget.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');
const budget = 150 * 1024;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(root, 'static'), dist, { recursive: true });

// Code splitting: views that only some people open (ballot, speakers' list, amendments, the
// organiser's tools) are dynamic import()s and become chunks/ loaded on first use.
const built = await esbuild.build({
  entryPoints: [join(root, 'src/main.js')],
  bundle: true,
  format: 'esm',
  splitting: true,
  absWorkingDir: root,
  metafile: true,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outdir: dist,
  logLevel: 'warning',
});

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// Version = hash of every file except sw.js and index.html (which embed it).
const files = walk(dist).map((p) => relative(dist, p)).sort();
const hash = createHash('sha256');
for (const f of files) if (f !== 'sw.js' && f !== 'index.html') hash.update(f).update(readFileSync(join(dist, f)));
const version = hash.digest('hex').slice(0, 12);

const shell = files.filter((f) => f !== 'sw.js').map((f) => (f === 'index.html' ? './' : './' + f));
const swPath = join(dist, 'sw.js');
writeFileSync(swPath, readFileSync(swPath, 'utf8')
  .replace('__VERSION__', version)
  .replace('"__SHELL__"', JSON.stringify(shell).slice(1, -1)));
const indexPath = join(dist, 'index.html');
writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replaceAll('__VERSION__', version));

// Sizes.
const rows = walk(dist).map((p) => {
  const buf = readFileSync(p);
  return { file: relative(dist, p), raw: buf.length, gz: gzipSync(buf, { level: 9 }).length };
}).sort((a, b) => a.file.localeCompare(b.file));
const pad = (s, n) => String(s).padStart(n);
console.log(`${'file'.padEnd(28)} ${pad('raw', 9)} ${pad('gzip', 9)}`);
for (const r of rows) console.log(`${r.file.padEnd(28)} ${pad(r.raw, 9)} ${pad(r.gz, 9)}`);
// First load: everything but the catalogues and the lazy chunks, plus the largest single
// catalogue. main.js's static imports (shared chunks) count as first load.
const outputs = built.metafile.outputs;
const key = (f) => relative(root, join(dist, f));
const eager = new Set(['main.js']);
for (const f of eager) {
  for (const imp of outputs[key(f)]?.imports || []) {
    if (imp.kind === 'import-statement') eager.add(relative(dist, join(root, imp.path)));
  }
}
const lazy = rows.filter((r) => r.file.startsWith('chunks/') && !eager.has(r.file));
const i18n = rows.filter((r) => r.file.startsWith('i18n/'));
const biggest = i18n.reduce((a, r) => (r.gz > a.gz ? r : a), { raw: 0, gz: 0 });
const first = rows.filter((r) => !r.file.startsWith('i18n/') && !lazy.includes(r));
const raw = first.reduce((s, r) => s + r.raw, 0) + biggest.raw;
const gz = first.reduce((s, r) => s + r.gz, 0) + biggest.gz;
console.log(`first load (shell + largest catalogue): raw ${raw} B, gzip ${gz} B (budget ${budget} B gzip)`);
console.log(`lazy chunks (loaded by the views that need them): raw ${lazy.reduce((s, r) => s + r.raw, 0)} B, gzip ${lazy.reduce((s, r) => s + r.gz, 0)} B`);
console.log(`version ${version}`);
// Precompressed siblings (x.js.gz) that the server sends to browsers accepting gzip, so a slow
// line carries the compressed bytes counted above. Written last: not part of the shell list.
for (const r of rows) {
  if (/\.(js|css|html|json|svg|webmanifest)$/.test(r.file)) {
    writeFileSync(join(dist, r.file + '.gz'), gzipSync(readFileSync(join(dist, r.file)), { level: 9 }));
  }
}
if (gz > budget) {
  console.error('first load is over budget');
  process.exit(1);
}
