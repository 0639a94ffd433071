// The shipped declarations (dist/index.d.ts) compile for a strict TypeScript consumer
// with only lib es2022 and @types/node (no DOM lib), and with the DOM lib too (where the
// WebAssembly aliases become the real types); internal plumbing is not in them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildOnce } from '../portability/build-once';

const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const CONSUMER = `
import { connect, listen, generateSelfSigned, compileCore, loadCoreModule, toNodeDuplex, QuicError,
  type QuicConnection, type QuicStream, type CloseInfo, type ConnectionState } from 'quicwasm';
export async function main(signal: AbortSignal): Promise<CloseInfo> {
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  await using server = await listen({ alpn: ['x'], certificate: cert, port: '0' });
  const conn: QuicConnection = await connect({ address: 'localhost', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]], signal, timeoutMs: 5000 });
  const state: ConnectionState = conn.state;
  const s: QuicStream = conn.openStream();
  await s.write('text');
  await s.write(new Uint8Array(3), { timeoutMs: 100 });
  const r: ReadableStream<Uint8Array> = s.readable;
  await r.pipeTo(new WritableStream());
  toNodeDuplex(s).end();
  const module = loadCoreModule();
  await compileCore(module);
  try { await conn.acceptStream({ signal }); } catch (e) { if (e instanceof QuicError) console.log(e.code, state); }
  return conn.close(0, 'done');
}
`;

const BROWSER_CONSUMER = `
import { compileCore, createClientEndpoint, DgramPair, RealClock, type QuicConnection } from 'quicwasm';
export async function main(bytes: Uint8Array): Promise<QuicConnection> {
  const clock = new RealClock();
  const pair = new DgramPair({ clock });
  const ep = createClientEndpoint({ coreModule: await compileCore(bytes), network: pair.a, clock, tls: { alpn: ['x'] } });
  const conn = ep.connectTo(0, { serverName: 'localhost' });
  await conn.once('established', { timeoutMs: 1000 });
  await ep[Symbol.asyncDispose]();
  return conn;
}
`;

/** Compiles a consumer against dist/<entry>.d.ts; returns tsc's complaints ('' when none). */
function compile(lib: string[], entry: 'index' | 'browser' = 'index'): string {
  const dir = mkdtempSync(join(tmpdir(), 'quicwasm-dts-'));
  try {
    writeFileSync(join(dir, 'consumer.ts'), entry === 'index' ? CONSUMER : BROWSER_CONSUMER);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, lib, types: entry === 'index' ? ['node'] : [], typeRoots: [join(ROOT, 'node_modules/@types')], target: 'es2022',
        module: 'esnext', moduleResolution: 'bundler', noEmit: true, skipLibCheck: false,
        paths: { quicwasm: [join(ROOT, `dist/${entry}.d.ts`)] },
      },
      files: ['consumer.ts'],
    }));
    try {
      execFileSync(process.execPath, [TSC, '-p', dir], { stdio: 'pipe' });
      return '';
    } catch (err) {
      return String((err as { stdout?: Buffer }).stdout ?? err);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(() => buildOnce(), 300_000);

test('dist/index.d.ts compiles under strict with lib es2022 and @types/node only', () => {
  expect(compile(['es2022'])).toBe('');
});

test('and with lib esnext and the DOM lib (where WebAssembly and Symbol.asyncDispose are declared too)', () => {
  expect(compile(['esnext', 'dom'])).toBe('');
});

test('dist/browser.d.ts compiles with only the DOM lib (lib es2022 + dom, no @types)', () => {
  expect(compile(['es2022', 'dom'], 'browser')).toBe('');
});

test('internal plumbing stays out of the declarations', () => {
  const dts = readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8');
  const block = (name: string) => dts.slice(dts.indexOf(`declare class ${name} `), dts.indexOf('\n}', dts.indexOf(`declare class ${name} `)));
  const connection = block('QuicConnection');
  const stream = block('QuicStream');
  expect(connection).toContain('acceptStream(');
  expect(stream).toContain('get readable()');
  for (const name of ['onCoreEvent', 'checkGracefulClose', 'streamWrite', 'streamWantsData', 'acceptsWrites', 'abort(', 'constructor(', 'handle:']) expect(connection).not.toContain(name);
  for (const name of ['pushData', 'pumpWrites', 'onPeerReset', 'hasQueuedWrites', 'receiveRoom', 'constructor(']) expect(stream).not.toContain(name);
  expect(dts).not.toContain('interface StreamOwner');
  expect(dts).not.toMatch(/\bWebAssembly\.|\bBufferSource\b/);
});
