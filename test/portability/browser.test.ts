// The browser harness in headless Chromium (Debian's chromium driven by playwright-core):
// 1 MB with 5% loss through the page's form; both hashes match, the charts drew, a qlog is
// offered, and a screenshot lands in test-output/. The same page origin also runs the
// runtime-checks bundle, so the RFC vectors pass in the browser too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildOnce } from './build-once';
import { serveHarness } from '../../demos/browser-harness/serve';
import type { Server } from 'node:http';

const ROOT = resolve(__dirname, '../..');
let browser: Browser;
let server: Server;
let url: string;
let page: Page;

beforeAll(async () => {
  await buildOnce(); // dist/ and build/ from the current source
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  ({ server, url } = await serveHarness(0));
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('browser harness (headless Chromium)', () => {
  test('1 MB with 5% loss: hashes match, charts drew, qlog offered, screenshot saved', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.fill('#size', '1');
    await page.fill('#loss', '5');
    await page.fill('#reorder', '0');
    await page.fill('#delay', '10');
    await page.fill('#bandwidth', '50');
    await page.click('#start');
    await page.waitForSelector('#summary[data-done]', { timeout: 120_000 });
    expect(await page.getAttribute('#summary', 'data-done')).toBe('ok');
    const sent = await page.textContent('#sent-sha');
    const received = await page.textContent('#recv-sha');
    expect(sent).toMatch(/^[0-9a-f]{64}$/);
    expect(received).toBe(sent);
    // Each chart has a drawn line: count pixels in the line colours.
    const inked = await page.evaluate(() => ['chart-throughput', 'chart-rtt', 'chart-cwnd'].map((id) => {
      const c = document.getElementById(id) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 60 || Math.abs(d[i + 1] - d[i + 2]) > 60) n++;
      return n;
    }));
    for (const n of inked) expect(n).toBeGreaterThan(100);
    const qlog = await page.evaluate(async () => {
      const a = document.getElementById('qlog') as HTMLAnchorElement;
      const text = await (await fetch(a.href)).text();
      return { hidden: a.hidden, download: a.download, size: text.length, packets: (text.match(/packet_sent/g) ?? []).length };
    });
    expect(qlog).toMatchObject({ hidden: false, download: expect.stringMatching(/_client\.sqlog$/) });
    expect(qlog.packets).toBeGreaterThan(500);
    const summary = await page.textContent('#summary');
    expect(summary).toMatch(/packets lost\d+/);
    expect(Number(/packets lost(\d+)/.exec(summary!)![1])).toBeGreaterThan(0);
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output/browser-harness.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);

  test('the RFC 9001/9369 vectors pass in the browser (portable backend)', async () => {
    await page.goto(`${url}blank.html`);
    // A string, so jest's transform does not rewrite the dynamic import into require().
    const r = await page.evaluate("import('/runtime-checks.mjs').then((m) => m.rfcVectors(m.portableCryptoProvider))");
    expect(r).toEqual({ ran: 20, failed: [] });
  }, 60_000);

  test('the vectors pass with ChaCha20 and AES-GCM inside the core (Chromium runs its wasm SIMD)', async () => {
    await page.goto(`${url}blank.html`);
    const r = await page.evaluate("import('/runtime-checks.mjs').then((m) => m.inCoreVectors())");
    expect(r).toEqual({ ran: 20, failed: [] });
  }, 60_000);

  test('the browser bundle fetches the core.wasm beside it (no URL given), and compiles one from a URL', async () => {
    await page.goto(`${url}blank.html`);
    const r = await page.evaluate(`(async () => {
      const q = await import('/browser.mjs');
      const beside = await q.compileCore();
      const fetched = await q.compileCore('/core.wasm?again');
      const core = q.instantiateCore(beside);
      const wasm = performance.getEntriesByType('resource').filter((e) => /core\\.wasm/.test(e.name)).map((e) => new URL(e.name).pathname + new URL(e.name).search);
      return { same: WebAssembly.Module.exports(beside).length === WebAssembly.Module.exports(fetched).length, memory: core.exports.memory.buffer.byteLength > 0, hasListen: 'listen' in q, wasm };
    })()`);
    expect(r).toEqual({ same: true, memory: true, hasListen: false, wasm: ['/core.wasm', '/core.wasm?again'] });
  }, 60_000);

  test('the README browser example runs on dist/browser.mjs (minified, core.wasm fetched), with "quicwasm" mapped by an import map', async () => {
    const fresh = await browser.newPage();
    try {
      const errors: string[] = [];
      fresh.on('pageerror', (e) => errors.push(String(e)));
      await fresh.route('**/memory-realtime.mjs', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(join(ROOT, 'test/runtimes/memory-realtime.mjs')) }));
      const logged = new Promise<string>((res) => fresh.on('console', (m) => { if (m.text().startsWith('{')) res(m.text()); }));
      await fresh.goto(`${url}blank.html`);
      await fresh.setContent('<!doctype html><script type="importmap">{"imports":{"quicwasm":"/browser.mjs"}}</script><script type="module" src="/memory-realtime.mjs"></script>');
      expect(JSON.parse(await logged)).toEqual({ alpn: 'demo', echoed: 100_000, same: true });
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, 90_000);

  test('a server with the wrong MIME type for core.wasm still works (bytes instead of streaming); a missing one is ERR_QUIC_CORE_MISSING; setCoreSource() takes bytes', async () => {
    const fresh = await browser.newPage();
    try {
      const wasm = readFileSync(join(ROOT, 'dist/core.wasm'));
      await fresh.route('**/octet/core.wasm', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: wasm }));
      await fresh.route('**/missing/core.wasm', (route) => route.fulfill({ status: 404, body: 'no' }));
      await fresh.goto(`${url}blank.html`);
      const r = await fresh.evaluate(`(async () => {
        const q = await import('/browser.mjs');
        const wrongMime = await q.compileCore('/octet/core.wasm');
        let missing;
        try { await q.compileCore('/missing/core.wasm'); } catch (e) { missing = [e.code, /setCoreSource/.test(e.message)]; }
        const bytes = new Uint8Array(await (await fetch('/octet/core.wasm')).arrayBuffer());
        q.setCoreSource(bytes);
        const chosen = await q.compileCore();
        return { wrongMime: wrongMime instanceof WebAssembly.Module, missing, chosen: chosen instanceof WebAssembly.Module };
      })()`);
      expect(r).toEqual({ wrongMime: true, missing: ['ERR_QUIC_CORE_MISSING', true], chosen: true });
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
