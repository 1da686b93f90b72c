// Time to interactive of the browser client on a slow line: Debian's Chromium (playwright-core)
// throttled by the DevTools protocol to 1.6 Mbps down / 750 kbps up with 300 ms round trips,
// against the real server with the demo forum.
//
// Measured, each the median of --runs loads (default 5):
//   cold: a first visit (empty cache, no service worker): the join view until its login form
//         is visible and its button enabled ("interactive"), plus the bytes transferred;
//   warm: a second visit once the service worker has cached the shell;
//   home: after logging in with the demo delegate's badge code, until the forum programme shows.
// Usage: node tests/bench/web_load.mjs [--runs N]   (PLENARY_BINARY: the server, default
// build-release/plenary; web/dist must be built). Prints "web_load: metric = value unit" lines
// and one JSON line. Not a pass/fail test.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
if (!process.env.PLENARY_BINARY) {
  const rel = join(root, 'build-release/plenary');
  if (existsSync(rel)) process.env.PLENARY_BINARY = rel;
}
const { startServer, demoLogin } = await import('../e2e/server.mjs');
const { launch } = await import('../e2e/helpers.mjs');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const throttle = { offline: false, latency: 300, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function throttledPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', throttle);
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  return { page, cdp, bytes: () => bytes };
}

// Milliseconds from navigation start until `selector` is visible and enabled.
async function timeUntil(page, url, selector) {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60000 });
  await page.waitForFunction((sel) => { const el = document.querySelector(sel); return el && !el.disabled; }, selector, { timeout: 60000 });
  return Date.now() - t0;
}

const server = await startServer();
const browser = await launch();
const joinReady = '#main form button[type=submit]';
const out = { cold_ms: [], cold_bytes: [], warm_ms: [], home_ms: [] };
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'allow' });
    const { page, bytes } = await throttledPage(context);
    out.cold_ms.push(await timeUntil(page, `${server.url}/`, joinReady));
    out.cold_bytes.push(bytes());
    // Let the service worker install and cache the shell, then reload.
    await page.waitForFunction(() => navigator.serviceWorker?.controller || navigator.serviceWorker?.ready.then(() => true), null, { timeout: 60000 }).catch(() => {});
    await page.waitForTimeout(500);
    await page.close();
    // A second visit in the same profile: the shell comes from the service worker's cache.
    const { page: again } = await throttledPage(context);
    out.warm_ms.push(await timeUntil(again, `${server.url}/#/join`, joinReady));
    const pageForLogin = again;
    // Log in with the demo delegate's code and wait for the programme.
    const code = demoLogin('delegate').code;
    const codeInput = pageForLogin.locator('#main input[name=code]');
    await codeInput.fill(code);
    const t1 = Date.now();
    await pageForLogin.locator(joinReady).first().click();
    await pageForLogin.waitForFunction(() => location.hash.startsWith('#/forum/') && document.querySelector('#main a[href^="#/workshop/"], #main a[href^="#/room/"]'), null, { timeout: 60000 });
    out.home_ms.push(Date.now() - t1);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

const fig = {
  bench: 'web_load', runs, throttle: '1.6 Mbps down, 750 kbps up, 300 ms RTT',
  cold_interactive_ms: median(out.cold_ms), cold_transferred_bytes: median(out.cold_bytes),
  warm_interactive_ms: median(out.warm_ms), login_to_programme_ms: median(out.home_ms),
};
console.log(`web_load: cold time to interactive = ${fig.cold_interactive_ms} ms (median of ${runs})`);
console.log(`web_load: cold bytes transferred = ${fig.cold_transferred_bytes} B`);
console.log(`web_load: warm (service worker) time to interactive = ${fig.warm_interactive_ms} ms`);
console.log(`web_load: badge login to programme = ${fig.login_to_programme_ms} ms`);
console.log(JSON.stringify(fig));
