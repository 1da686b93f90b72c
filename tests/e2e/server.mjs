// Starts the real Plenary server for the browser tests:
//   $PLENARY_BINARY serve --listen 127.0.0.1:0 --db <tmp>/e2e.db --web web/dist
//                         --seed seed/forum.json --port-file <tmp>/port
// PLENARY_BINARY defaults to build/plenary (relative to the repository root). The server
// writes the port it bound to into the port file once it listens. With PLENARY_MOCK=1 the
// in-memory stand-in tests/e2e/mock/server.mjs is started instead (client development only).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(new URL('../..', import.meta.url).pathname);
export const seedPath = join(root, 'seed/forum.json');
export const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
export const webDist = join(root, 'web/dist');

export const useMock = process.env.PLENARY_MOCK === '1';
export const binary = resolve(root, process.env.PLENARY_BINARY || 'build/plenary');

/** Why the e2e tests cannot run here, or null. */
export function missing() {
  if (!existsSync(join(webDist, 'index.html'))) return 'web/dist is missing: run `npm ci && npm run build` in web/';
  if (!useMock && !existsSync(binary)) return `no server binary at ${binary} (set PLENARY_BINARY)`;
  return null;
}

/** `seedFile`: another seed than seed/forum.json (a variant written by the test). */
export async function startServer({ timeoutMs = 20000, seedFile = seedPath } = {}) {
  const why = missing();
  if (why) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'plenary-e2e-'));
  const portFile = join(dir, 'port');
  const serveArgs = ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'e2e.db'), '--web', webDist,
    '--seed', seedFile, '--port-file', portFile];
  const [cmd, args] = useMock
    ? [process.execPath, [join(root, 'tests/e2e/mock/server.mjs'), ...serveArgs]]
    : [binary, serveArgs];
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const start = Date.now();
  let port = null;
  while (!port) {
    if (exited) throw new Error(`server exited (${JSON.stringify(exited)}) before listening:\n${log}`);
    if (Date.now() - start > timeoutMs) { child.kill('SIGKILL'); throw new Error(`server did not write ${portFile} in time:\n${log}`); }
    if (existsSync(portFile)) {
      const text = readFileSync(portFile, 'utf8').trim();
      if (/^\d+$/.test(text)) port = Number(text);
    }
    if (!port) await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    log: () => log,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t0 = Date.now();
        while (!exited && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The seed's demo login for a role ("organiser", "delegate", "drafting", ...). */
export function demoLogin(role, n = 0) {
  const all = seed.demo_logins.filter((l) => l.role === role && l.code);
  if (!all[n]) throw new Error(`no demo login #${n} for role ${role}`);
  return all[n];
}
