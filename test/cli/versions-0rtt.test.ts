// `quicwasm client --0rtt` and `--quic-version` on both commands, each between two
// processes: a server started with the flag, clients run against it, and what each
// side reports (the JSON summary, the server's log) checked with the bytes received.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned } from '../../host/portable';
import { cli, startCliServer, type CliServer } from './run-cli';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const file = randomBytes(200_000);
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
let dir: string;
let zeroRttV1: CliServer; // --0rtt --quic-version v1
let v2Only: CliServer;    // --quic-version v2 (no 0-RTT)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-cli-flags-'));
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'f.bin'), file);
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  const common = ['--root', join(dir, 'www'), '--port', '0', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')];
  [zeroRttV1, v2Only] = await Promise.all([startCliServer([...common, '--0rtt', '--quic-version', 'v1']), startCliServer([...common, '--quic-version', 'v2'])]);
}, 60_000);
afterAll(async () => {
  await Promise.all([zeroRttV1?.stop(), v2Only?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Downloads f.bin from `server` with extra flags; returns the JSON summary after checking the bytes. */
async function fetchFile(server: CliServer, out: string, flags: string[]): Promise<Record<string, unknown>> {
  const r = await cli(['client', `https://localhost:${server.port}/f.bin`, '-o', join(dir, out), '--ca', join(dir, 'cert.pem'), '--address', '127.0.0.1', '--json', ...flags]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(sha(readFileSync(join(dir, out, 'f.bin')))).toBe(sha(file));
  return JSON.parse(r.stdout);
}

test('--help lists --0rtt, --session and --quic-version', async () => {
  const [client, server] = await Promise.all([cli(['client', '--help']), cli(['server', '--help'])]);
  expect(client.stdout).toMatch(/--0rtt/);
  expect(client.stdout).toMatch(/--session FILE/);
  expect(client.stdout).toMatch(/--quic-version V\s+v1 or v2/);
  expect(server.stdout).toMatch(/--quic-version LIST/);
  expect(server.stdout).toMatch(/--0rtt/);
}, 60_000);

test('client --0rtt: the first run saves the ticket, the second sends its request in 0-RTT and the server accepts it', async () => {
  const session = join(dir, 'session-0rtt.txt');
  const first = await fetchFile(zeroRttV1, 'o1', ['--resume', session, '--0rtt']);
  expect(first).toMatchObject({ ok: true, resumed: false, zeroRtt: 'not offered', zeroRttAccepted: false, version: 'QUIC v1' });
  expect(existsSync(session)).toBe(true);
  const second = await fetchFile(zeroRttV1, 'o2', ['--session', session, '--0rtt']);
  expect(second).toMatchObject({ ok: true, resumed: true, zeroRtt: 'accepted', zeroRttAccepted: true });
  await new Promise((r) => setTimeout(r, 200));
  expect(zeroRttV1.output()).toMatch(/connection #\d+: h3, \S+, QUIC v1, resumed, 0-RTT accepted/);
  // Without --0rtt the same ticket only resumes.
  const third = await fetchFile(zeroRttV1, 'o3', ['--resume', session]);
  expect(third).toMatchObject({ resumed: true, zeroRtt: 'not offered' });
}, 90_000);

test('client --0rtt against a server without --0rtt: its ticket allows no early data, so the client resumes without offering any', async () => {
  const session = join(dir, 'session-v2.txt');
  await fetchFile(v2Only, 'r1', ['--resume', session]);
  const r = await fetchFile(v2Only, 'r2', ['--resume', session, '--0rtt']);
  expect(r).toMatchObject({ ok: true, resumed: true, zeroRtt: 'not offered', zeroRttAccepted: false, version: 'QUIC v2' });
}, 90_000);

test('server --quic-version v2: a client starting in v1 (default) or v2 ends on v2; the server logs v2', async () => {
  const byDefault = await fetchFile(v2Only, 'v2a', []);
  expect(byDefault).toMatchObject({ ok: true, version: 'QUIC v2' });
  const asked = await fetchFile(v2Only, 'v2b', ['--quic-version', 'v2']);
  expect(asked).toMatchObject({ ok: true, version: 'QUIC v2' });
  await new Promise((r) => setTimeout(r, 200));
  expect(v2Only.output()).toMatch(/QUIC v2\b/);
  expect(v2Only.output()).not.toMatch(/connection #\d+: .*QUIC v1/);
}, 90_000);

test('server --quic-version v1: a client asking for v2 is moved to v1', async () => {
  const r = await fetchFile(zeroRttV1, 'v1a', ['--quic-version', 'v2']);
  expect(r).toMatchObject({ ok: true, version: 'QUIC v1' });
}, 60_000);

test('bad --quic-version values: one line, exit code 2', async () => {
  const results = await Promise.all([
    cli(['client', '--quic-version', 'v3', 'https://x/']),
    cli(['server', '--root', dir, '--quic-version', 'v1,v1']),
    cli(['server', '--root', dir, '--quic-version', 'draft-29']),
    cli(['client', '--0rtt', 'https://x/']),
  ]);
  expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
  expect(results[0].stderr).toMatch(/^quicwasm: --quic-version takes v1 or v2, not v3\n$/);
  expect(results[1].stderr).toMatch(/^quicwasm: --quic-version lists a version twice/);
  expect(results[2].stderr).toMatch(/^quicwasm: --quic-version takes v1 or v2, not draft-29\n$/);
  expect(results[3].stderr).toMatch(/^quicwasm: --0rtt needs --resume FILE/);
}, 60_000);
