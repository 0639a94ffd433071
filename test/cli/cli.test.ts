// The `quicwasm` command run as a child process (through tsx, as in development):
// help, argument errors, and real downloads over h3 and hq-interop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSelfSigned } from '../../host/portable';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'host/cli/main.ts');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Result { code: number | null; stdout: string; stderr: string }
function cli(args: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((res) => {
    const p = spawn(TSX, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => { clearTimeout(t); res({ code, stdout, stderr }); });
  });
}
/** One line on stderr, and no stack trace. */
function oneLine(r: Result): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

let dir: string, server: ChildProcess, port: number;
const big = randomBytes(1_500_000);
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-cli-'));
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'big.bin'), big);
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'www', `s${i}.txt`), `small ${i}\n`);
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  server = spawn(TSX, [MAIN, 'server', '--root', join(dir, 'www'), '--port', '0', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  port = await new Promise<number>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 30_000);
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /:(\d+) \(UDP\)/.exec(out);
      if (m) { clearTimeout(t); res(Number(m[1])); }
    });
  });
}, 40_000);
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--help for every command', async () => {
  for (const args of [['--help'], ['server', '--help'], ['client', '--help'], ['demo', '--help']]) {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: quicwasm/);
  }
}, 60_000);

test('bad arguments: one line, exit code 2', async () => {
  const cases: [string[], number, RegExp][] = [
    [['frobnicate'], 2, /unknown command/],
    [['client', '--bogus', 'https://x/'], 2, /Unknown option '--bogus'/],
    [['client'], 2, /no URL/],
    [['client', 'ftp://x/'], 2, /only https/],
    [['client', '--alpn', 'h2', 'https://x/'], 2, /--alpn/],
    [['client', '--0rtt', 'https://x/'], 2, /--0rtt needs --resume FILE/],
    [['client', '--quic-version', '3', 'https://x/'], 2, /--quic-version takes v1 or v2, not 3/],
    [['server', '--root', dir, '--quic-version', 'v9'], 2, /--quic-version takes v1 or v2, not v9/],
    [['client', '--cc', 'bbr', 'https://x/'], 2, /--cc must be one of newreno, cubic, vegas, not bbr/],
    [['server', '--root', dir, '--cc', 'reno'], 2, /--cc must be one of newreno, cubic, vegas, not reno/],
    [['server'], 2, /--root DIR is required/],
    [['server', '--root', join(dir, 'nope')], 2, /not a directory/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  results.forEach((r, i) => {
    expect([cases[i][0], r.code]).toEqual([cases[i][0], cases[i][1]]);
    expect(oneLine(r)).toMatch(cases[i][2]);
  });
}, 60_000);

test('h3 download of several files over one connection, byte-exact, with --ca and --json', async () => {
  const out = join(dir, 'out-h3');
  const urls = ['big.bin', ...Array.from({ length: 10 }, (_, i) => `s${i}.txt`)].map((f) => `https://localhost:${port}/${f}`);
  const r = await cli(['client', ...urls, '--output', out, '--ca', join(dir, 'cert.pem'), '--address', '127.0.0.1', '--json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout.trim());
  expect(j).toMatchObject({ ok: true, alpn: 'h3', version: 'QUIC v1', cipher: 'TLS_CHACHA20_POLY1305_SHA256', resumed: false });
  expect(j.files).toHaveLength(11);
  expect(sha(readFileSync(join(out, 'big.bin')))).toBe(sha(big));
  expect(readFileSync(join(out, 's7.txt'), 'utf8')).toBe('small 7\n');
}, 60_000);

test('hq-interop download, plain progress lines, resumption through --resume', async () => {
  const out = join(dir, 'out-hq');
  const session = join(dir, 'session.txt');
  const args = ['client', `https://localhost:${port}/big.bin`, `https://localhost:${port}/s1.txt`, '-o', out, '--alpn', 'hq-interop', '--ca', join(dir, 'cert.pem'), '--resume', session];
  const first = await cli(args);
  expect(first.code).toBe(0);
  expect(first.stderr).toContain(`https://localhost:${port}/s1.txt: 200, 8 B`);
  expect(sha(readFileSync(join(out, 'big.bin')))).toBe(sha(big));
  expect(existsSync(session)).toBe(true);
  const second = await cli([...args, '--json']);
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, alpn: 'hq-interop', resumed: true });
}, 60_000);

test('--cipher, --group and --quic-version 2 (quicwasm to quicwasm)', async () => {
  const r = await cli(['client', `https://localhost:${port}/s4.txt`, '-o', join(dir, 'out-v2'), '--ca', join(dir, 'cert.pem'), '--json',
    '--cipher', 'TLS_CHACHA20_POLY1305_SHA256', '--group', 'secp256r1', '--quic-version', '2']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, cipher: 'TLS_CHACHA20_POLY1305_SHA256', version: 'QUIC v2' });
  const bad = await cli(['client', `https://localhost:${port}/s4.txt`, '--cipher', 'TLS_NULL']);
  expect(bad.code).toBe(2);
  expect(oneLine(bad)).toMatch(/unknown cipher suite TLS_NULL/);
}, 60_000);

test('failures: missing file, certificate not trusted, nobody listening', async () => {
  const missing = await cli(['client', `https://localhost:${port}/nope`, '-o', join(dir, 'o3'), '--ca', join(dir, 'cert.pem')]);
  expect(missing.code).toBe(1);
  expect(missing.stderr.trim().split('\n').pop()).toMatch(/^quicwasm: 1 of 1 downloads failed .*404/);
  const untrusted = await cli(['client', `https://localhost:${port}/s1.txt`]);
  expect(untrusted.code).toBe(1);
  expect(oneLine(untrusted)).toMatch(/^quicwasm: certificate verification failed \(unknown CA\)/);
  const nobody = await cli(['client', 'https://127.0.0.1:9/s1.txt', '--insecure', '--timeout', '2']);
  expect(nobody.code).toBe(1);
  expect(oneLine(nobody)).toMatch(/^quicwasm: /);
}, 60_000);

test('quicwasm demo: server and client in one process, byte-exact, resumed', async () => {
  const r = await cli(['demo', '--size', '300000', '--files', '3']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/4\/4 files byte-exact/);
  expect(r.stdout).toMatch(/second connection: resumed with the session ticket/);
  expect(r.stdout).toMatch(/TLS 1.3 TLS_CHACHA20_POLY1305_SHA256, ALPN h3/);
}, 60_000);

test('with ngtcp2: quicwasm client → gtlsserver, gtlsclient → quicwasm server (byte-exact)', async () => {
  const { binariesPresent, freeUdpPort, startServer, run, GTLSCLIENT } = await import('../interop/ngtcp2');
  if (!binariesPresent()) throw new Error('ngtcp2 example binaries missing: apt-get install ngtcp2-client ngtcp2-server');
  const gport = await freeUdpPort();
  const gtls = await startServer(['-q', '-d', join(dir, 'www'), '127.0.0.1', String(gport), join(dir, 'key.pem'), join(dir, 'cert.pem')], gport);
  try {
    const out = join(dir, 'out-gtls');
    const r = await cli(['client', `https://localhost:${gport}/big.bin`, `https://localhost:${gport}/s2.txt`, '-o', out, '--ca', join(dir, 'cert.pem'), '--address', '127.0.0.1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, alpn: 'h3' });
    expect(sha(readFileSync(join(out, 'big.bin')))).toBe(sha(big));
  } finally {
    gtls.kill();
  }
  const dl = join(dir, 'dl-gtlsclient');
  mkdirSync(dl);
  const g = run(GTLSCLIENT, ['-q', '--exit-on-all-streams-close', '--timeout=10s', '--download', dl, '127.0.0.1', String(port), `https://localhost:${port}/big.bin`, `https://localhost:${port}/s3.txt`]);
  await g.exited;
  expect(sha(readFileSync(join(dl, 'big.bin')))).toBe(sha(big));
  expect(readFileSync(join(dl, 's3.txt'), 'utf8')).toBe('small 3\n');
}, 60_000);
