// Over real UDP on loopback, two processes (the echo demo's server and client): 50 MB
// on one stream and 100 × 10 kB on parallel streams, byte-exact (SHA-256 compared by
// the server for the upload, by the client for the echoes). IPv4 and IPv6.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSelfSigned } from '../../host/tls/pki/index';

const demo = join(__dirname, '../../demos/echo');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-udp-'));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1', '::1'] });
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(file: string, args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', join(demo, file), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts the server on `address`, runs the client with `clientArgs`, returns the client's RESULT. */
async function runPair(address: string, clientArgs: string[]): Promise<{ result: Record<string, any>; serverLog: string; clientLog: string }> {
  const server = node('server.ts', ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--address', address]);
  let serverLog = '';
  server.stderr.on('data', (d) => { serverLog += d; });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: server.stdout });
      rl.on('line', (line) => {
        serverLog += line + '\n';
        const m = /^LISTENING \S+ (\d+)$/.exec(line);
        if (m) resolve(m[1]);
      });
      server.on('exit', (code) => reject(new Error(`server exited (${code}): ${serverLog}`)));
    });
    const client = node('client.ts', ['--address', address, '--port', port, '--ca', join(dir, 'cert.pem'), ...clientArgs]);
    let clientLog = '';
    client.stdout.on('data', (d) => { clientLog += d; });
    client.stderr.on('data', (d) => { clientLog += d; });
    const code = await new Promise<number | null>((resolve) => client.on('exit', resolve));
    const line = clientLog.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`client exited ${code} without a result:\n${clientLog}\nserver:\n${serverLog}`);
    // Let the server log the close before it is stopped.
    await new Promise((r) => setTimeout(r, 200));
    return { result: JSON.parse(line.slice(7)), serverLog, clientLog };
  } finally {
    server.kill('SIGTERM');
  }
}

test('127.0.0.1: 50 MB on one stream and 100 × 10 kB on parallel streams, byte-exact', async () => {
  const { result, serverLog } = await runPair('127.0.0.1', ['--upload', String(50 * 1000 * 1000), '--parallel', '100', '--size', '10000']);
  expect(result.upload).toMatchObject({ bytes: 50_000_000, ok: true });
  expect(result.parallel).toMatchObject({ streams: 100, size: 10_000, ok: 100 });
  expect(result.ok).toBe(true);
  expect(serverLog).toMatch(/closed by the client: .*application code 0/);
}, 120_000);

test('::1: 5 MB echoed on one stream and 20 parallel streams, byte-exact', async () => {
  const { result } = await runPair('::1', ['--echo', String(5 * 1000 * 1000), '--parallel', '20', '--size', '10000']);
  expect(result.echo).toMatchObject({ bytes: 5_000_000, ok: true });
  expect(result.parallel).toMatchObject({ streams: 20, ok: 20 });
}, 120_000);
