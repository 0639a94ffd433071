// One package for Node, Deno and Bun (issue 10). The package is built and packed as npm
// would, installed into a scratch directory, and imported by name under each runtime;
// the same runtime-checks bundle runs the RFC vectors and a simulator transfer
// everywhere; real loopback UDP transfers run within and across runtimes.
// Deno and Bun come from the npm registry (dev dependencies `deno` and `bun`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { buildOnce } from './build-once';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath],
  // --unstable-net gives Deno.listenDatagram, which the Node entry then prefers (10x node:dgram in Deno).
  deno: [join(BIN, 'deno'), 'run', '-A', '--unstable-net'],
  'deno-nodedgram': [join(BIN, 'deno'), 'run', '-A'],
  bun: [join(BIN, 'bun')],
};

let scratch: string;
let packed: string[] = [];

/** Runs `args` under `runtime` in `cwd`; resolves with stdout (rejects on a non-zero exit or timeout). */
function runIn(runtime: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<string> {
  const [cmd, ...pre] = RUNTIMES[runtime];
  return new Promise((res, rej) => {
    const p = spawn(cmd, [...pre, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const t = setTimeout(() => { p.kill('SIGKILL'); rej(new Error(`${runtime} ${args.join(' ')} timed out\n${err}`)); }, timeoutMs);
    p.on('close', (code) => { clearTimeout(t); code === 0 ? res(out) : rej(new Error(`${runtime} ${args.join(' ')} exited ${code}\n${out}\n${err}`)); });
  });
}

const lastJson = (out: string) => JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);

beforeAll(async () => {
  await buildOnce(); // dist/ and build/runtime-checks.mjs from the current source
  scratch = mkdtempSync(join(tmpdir(), 'quicwasm-runtimes-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  packed = info.files.map((f: { path: string }) => f.path);
  // Install the tarball the way npm lays it out; its one runtime dependency family (@noble) is linked.
  const pkg = join(scratch, 'node_modules/quicwasm');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['xzf', join(scratch, info.filename), '-C', pkg, '--strip-components=1']);
  symlinkSync(join(ROOT, 'node_modules/@noble'), join(scratch, 'node_modules/@noble'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  copyFileSync(join(ROOT, 'test/runtimes/udp-peer.mjs'), join(scratch, 'udp-peer.mjs'));
  copyFileSync(join(ROOT, 'test/runtimes/memory-realtime.mjs'), join(scratch, 'memory-realtime.mjs'));
}, 180_000);
afterAll(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); });

describe('the package', () => {
  test('npm pack holds the builds, the wasm, the types, README and LICENSE, and no tests or sources', () => {
    expect(packed.sort()).toEqual(['LICENSE', 'README.md', 'dist/browser.d.ts', 'dist/browser.mjs', 'dist/cli.mjs', 'dist/core.wasm', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.mjs', 'package.json']);
  });

  test('the browser bundle imports nothing (no node:*, no bare module) and has no Node globals', () => {
    const code = readFileSync(join(ROOT, 'dist/browser.mjs'), 'utf8');
    const statements = code.split('\n').filter((l) => /^\s*(import|export)\b.*\bfrom\s+['"]/.test(l) || /\brequire\(\s*['"]/.test(l));
    expect(statements).toEqual([]);
    expect(code).not.toMatch(/\bimport\(\s*['"]node:/);
    expect(code).not.toMatch(/\b(Buffer\.from|process\.(env|argv|versions)|__dirname)\b/);
  });

  test('the core ships once: dist/core.wasm, which no bundle carries inline', () => {
    const core = readFileSync(join(ROOT, 'dist/core.wasm'));
    for (const f of ['index.mjs', 'index.cjs', 'browser.mjs', 'cli.mjs']) {
      const code = readFileSync(join(ROOT, 'dist', f), 'utf8');
      // No base64 run anywhere near the core's size (it was inlined as one before).
      const longest = Math.max(0, ...(code.match(/[A-Za-z0-9+/=]{2000,}/g) ?? []).map((s) => s.length));
      expect([f, longest]).toEqual([f, 0]);
      expect([f, code.length < core.length * 2]).toEqual([f, true]);
    }
    expect(readFileSync(join(ROOT, 'dist/index.mjs'), 'utf8')).toContain('new URL("./core.wasm",import.meta.url)');
    expect(readFileSync(join(ROOT, 'dist/browser.mjs'), 'utf8')).toContain('new URL("./core.wasm",import.meta.url)');
  });

  test('every bundle is minified alike: local names mangled (class names kept), a source map beside it', () => {
    for (const f of ['index.mjs', 'index.cjs', 'browser.mjs']) {
      const code = readFileSync(join(ROOT, 'dist', f), 'utf8');
      // source.ts's module-level `defaultSource` and `fileReader` are local names: mangled away.
      expect([f, /\bdefaultSource\b|\bfileReader\b/.test(code)]).toEqual([f, false]);
      expect([f, /\bclass QuicConnection\b/.test(code)]).toEqual([f, true]);
      const map = JSON.parse(readFileSync(join(ROOT, 'dist', `${f}.map`), 'utf8'));
      expect([f, map.names.length > 1000]).toEqual([f, true]);
    }
  });

  test.each(['node', 'deno', 'bun'])('%s: a bundle without core.wasm beside it says so (ERR_QUIC_CORE_MISSING), and setCoreSource(bytes) makes it work', async (runtime) => {
    mkdirSync(join(scratch, `lone-${runtime}`), { recursive: true });
    copyFileSync(join(scratch, 'node_modules/quicwasm/dist/index.mjs'), join(scratch, `lone-${runtime}/index.mjs`));
    writeFileSync(join(scratch, `lone-${runtime}/check.mjs`), `
      import * as q from './index.mjs';
      import { readFileSync } from 'node:fs';
      const errors = [];
      try { q.loadCoreModule(); } catch (e) { errors.push(e.code + ' ' + /core.wasm/.test(e.message) + ' ' + /setCoreSource/.test(e.message)); }
      try { await q.compileCore(); } catch (e) { errors.push(e.code); }
      q.setCoreSource(new Uint8Array(readFileSync(new URL('../node_modules/quicwasm/dist/core.wasm', import.meta.url))));
      const certificate = q.generateSelfSigned({ subjectAltNames: ['localhost'] });
      const server = await q.listen({ alpn: ['x'], certificate });
      const conn = await q.connect({ address: '127.0.0.1', port: server.address.port, alpn: ['x'], serverName: 'localhost', trustAnchors: certificate.chain });
      const state = conn.state;
      await conn.close(0, 'bye');
      await server.close();
      console.log(JSON.stringify({ errors, state, compiled: (await q.compileCore()) instanceof WebAssembly.Module }));
    `);
    const r = lastJson(await runIn(runtime, [`lone-${runtime}/check.mjs`], scratch));
    expect(r).toEqual({ errors: ['ERR_QUIC_CORE_MISSING true true', 'ERR_QUIC_CORE_MISSING'], state: 'established', compiled: true });
  }, 60_000);

  test.each(['node', 'deno', 'bun'])('%s imports it by name (exports map) and loads the core beside the bundle, from a file URL, a path and bytes', async (runtime) => {
    writeFileSync(join(scratch, 'import-check.mjs'), `
      import * as q from 'quicwasm';
      const m = await q.compileCore();
      const core = q.instantiateCore(m);
      // The other sources: a file: URL, a plain path, and the bytes.
      const url = new URL('./node_modules/quicwasm/dist/core.wasm', import.meta.url);
      const fromUrl = await q.compileCore(url);
      const fromPath = await q.compileCore(url.pathname);
      const { readFileSync } = await import('node:fs');
      const fromBytes = await q.compileCore(new Uint8Array(readFileSync(url)));
      const ok = [fromUrl, fromPath, fromBytes].every((x) => x instanceof WebAssembly.Module && WebAssembly.Module.exports(x).length === WebAssembly.Module.exports(m).length);
      console.log(JSON.stringify({ exports: Object.keys(q).length, listen: typeof q.listen, memory: core.exports.memory.buffer.byteLength > 0, sources: ok }));
    `);
    const r = lastJson(await runIn(runtime, ['import-check.mjs'], scratch));
    expect(r).toEqual({ exports: expect.any(Number), listen: 'function', memory: true, sources: true });
    expect(r.exports).toBeGreaterThan(30);
  }, 60_000);

  test('an ESM consumer can load the core and find its file (loadCoreNode, coreWasmPath)', () => {
    // From another working directory: the path comes from the bundle's own URL, not the cwd.
    const code = "import { loadCoreNode, coreWasmPath } from 'quicwasm'; const c = loadCoreNode(); console.log(typeof c.exports.pollTransmit, coreWasmPath())";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: scratch, encoding: 'utf8' });
    expect(out.trim()).toBe(`function ${join(scratch, 'node_modules/quicwasm/dist/core.wasm')}`);
    writeFileSync(join(scratch, 'esm-path.mjs'), "import { coreWasmPath } from 'quicwasm'; console.log(coreWasmPath());");
    expect(execFileSync(process.execPath, [join(scratch, 'esm-path.mjs')], { cwd: tmpdir(), encoding: 'utf8' }).trim()).toBe(join(scratch, 'node_modules/quicwasm/dist/core.wasm'));
  });

  test('CommonJS require() works too, and finds the core beside dist/index.cjs', () => {
    const out = execFileSync(process.execPath, ['-e', "const q = require('quicwasm'); console.log(typeof q.connect, typeof q.loadCoreModule().constructor, typeof q.loadCoreNode().exports.pollTransmit, q.coreWasmPath())"], { cwd: scratch, encoding: 'utf8' });
    expect(out.trim()).toBe(`function function function ${join(scratch, 'node_modules/quicwasm/dist/core.wasm')}`);
  });

  test('require() needs no require(esm): dist/index.cjs carries @noble (ESM only) itself, and echoes over loopback', () => {
    // Node before 20.19 cannot require() an ES module; --no-experimental-require-module makes
    // this Node behave so (where the switch exists).
    const flags = process.features.require_module !== undefined ? ['--no-experimental-require-module'] : [];
    writeFileSync(join(scratch, 'cjs-echo.cjs'), `
      const { listen, connect, generateSelfSigned } = require('quicwasm');
      (async () => {
        const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
        const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['echo'], certificate });
        (async () => { for await (const c of server) c.acceptStream().then(async (s) => { await s.end(await s.readAll()); }).catch(() => undefined); })();
        const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['echo'], serverName: 'localhost', trustAnchors: certificate.chain });
        const s = await conn.openStreamAsync();
        await s.end(new TextEncoder().encode('hello from require()'));
        console.log(new TextDecoder().decode(await s.readAll()), conn.handshakeInfo.cipherSuite);
        await conn.close();
        await server.close();
      })().catch((e) => { console.error(e); process.exit(1); });`);
    const out = execFileSync(process.execPath, [...flags, join(scratch, 'cjs-echo.cjs')], { cwd: scratch, encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toMatch(/^hello from require\(\) TLS_/);
    expect(readFileSync(join(scratch, 'node_modules/quicwasm/dist/index.cjs'), 'utf8')).not.toMatch(/require\(["']@noble\//);
  });
});

describe.each(['node', 'deno', 'bun'])('under %s', (runtime) => {
  test('RFC 9001/9369 vectors through both backends, and a 1 MB simulator transfer with 5% loss, byte-exact', async () => {
    const r = lastJson(await runIn(runtime, [join(ROOT, 'test/runtimes/run-checks.mjs'), String(1 << 20), '0.05'], ROOT, 120_000));
    expect(r.vectors.portable).toEqual({ ran: 20, failed: [] });
    expect(r.vectors.native).toEqual({ ran: 20, failed: [] });
    expect(r.vectors.inCore).toEqual({ ran: 20, failed: [] }); // ChaCha20 in the core: the runtime runs wasm SIMD
    expect(r.transfer).toMatchObject({ ok: true, bytes: 1 << 20 });
    expect(r.transfer.receivedSha256).toBe(r.transfer.sentSha256);
    expect(r.transfer.lost).toBeGreaterThan(0); // the loss really happened
  }, 150_000);
});

describe.each(['node', 'deno', 'bun'])('in-memory pair on real time under %s', (runtime) => {
  test('the README example echoes 100 kB through 5% loss and the process exits by itself after close', async () => {
    const r = lastJson(await runIn(runtime, ['memory-realtime.mjs'], scratch, 60_000));
    expect(r).toEqual({ alpn: 'demo', echoed: 100_000, same: true });
  }, 90_000);
});

describe('real loopback UDP, within and across runtimes', () => {
  async function udpPair(serverRuntime: string, clientRuntime: string, bytes: number) {
    const [cmd, ...pre] = RUNTIMES[serverRuntime];
    const server = spawn(cmd, [...pre, 'udp-peer.mjs', 'server'], { cwd: scratch });
    try {
      const port = await new Promise<number>((res, rej) => {
        let buf = '';
        const t = setTimeout(() => rej(new Error('server did not start')), 30_000);
        server.stdout.on('data', (d) => { buf += d; const m = /"port":(\d+)/.exec(buf); if (m) { clearTimeout(t); res(Number(m[1])); } });
        server.on('close', (c) => { clearTimeout(t); rej(new Error(`${serverRuntime} server exited ${c}`)); });
      });
      return lastJson(await runIn(clientRuntime, ['udp-peer.mjs', 'client', String(port), String(bytes)], scratch, 90_000));
    } finally {
      server.kill();
    }
  }

  test.each([
    ['deno', 'deno', 4 << 20],
    ['deno-nodedgram', 'deno-nodedgram', 1 << 20],
    ['bun', 'bun', 4 << 20],
    ['node', 'deno', 4 << 20],
    ['bun', 'node', 4 << 20],
  ])('%s server, %s client: upload hashed by the server, byte-exact', async (s, c, bytes) => {
    const r = await udpPair(s as string, c as string, bytes as number);
    // A quicwasm server prefers ChaCha20 (in-core) except under Bun, whose node:crypto AES-GCM is as fast (host/crypto/backend-choice.ts).
    expect(r).toMatchObject({ ok: true, bytes, cipherSuite: s === 'bun' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_CHACHA20_POLY1305_SHA256' });
    expect(r.runtime.split(' ')[0]).toBe((c as string).split('-')[0]);
    expect(r.udp).toBe(c === 'deno' ? 'Deno.listenDatagram' : 'node:dgram');
  }, 120_000);
});
