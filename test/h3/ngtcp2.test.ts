// Our HTTP/3 layer (host/h3) against ngtcp2's example client and server (nghttp3):
// our client fetches from gtlsserver, gtlsclient downloads from serveH3().
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned } from '../../host/portable';
import { H3Client, serveH3 } from '../../host/h3/index';
import { fileHandler } from '../../host/h3/files';
import { binariesPresent, freeUdpPort, startServer, run, GTLSCLIENT } from '../interop/ngtcp2';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
let dir: string;
const fileBytes = randomBytes(300_001);

beforeAll(() => {
  if (!binariesPresent()) throw new Error('ngtcp2 example binaries missing: apt-get install ngtcp2-client ngtcp2-server');
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-h3-'));
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'file.bin'), fileBytes);
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'www', `small-${i}.txt`), `small file ${i}\n`.repeat(i + 1));
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('our client → gtlsserver: 1 MiB of zeros, a file, concurrent small files, 404', async () => {
  const port = await freeUdpPort();
  const server = await startServer(['-q', '-d', join(dir, 'www'), '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')], port);
  try {
    const c = await H3Client.connect(`https://localhost:${port}`, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
    const zeros = await c.fetch(`https://localhost:${port}/1048576`);
    expect(zeros.status).toBe(200);
    const z = new Uint8Array(await zeros.arrayBuffer());
    expect(z.length).toBe(1 << 20);
    expect(z.every((b) => b === 0)).toBe(true);
    const f = await c.fetch(`https://localhost:${port}/file.bin`);
    expect(f.headers.get('content-length')).toBe('300001');
    expect(sha(new Uint8Array(await f.arrayBuffer()))).toBe(sha(fileBytes));
    const small = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await c.fetch(`https://localhost:${port}/small-${i}.txt`)).text()));
    expect(small).toEqual(Array.from({ length: 20 }, (_, i) => `small file ${i}\n`.repeat(i + 1)));
    expect((await c.fetch(`https://localhost:${port}/nope`)).status).toBe(404);
    await c.close();
  } finally {
    server.kill();
  }
}, 60_000);

test('gtlsclient → our server: files downloaded byte-exact, missing file 404', async () => {
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, fileHandler(join(dir, 'www')));
  const dl = join(dir, 'dl');
  mkdirSync(dl);
  try {
    const { port } = server.address;
    const urls = ['file.bin', 'small-3.txt', 'small-7.txt'].map((p) => `https://localhost:${port}/${p}`);
    const client = run(GTLSCLIENT, ['--no-quic-dump', '--exit-on-all-streams-close', '--timeout=10s', '--download', dl, '127.0.0.1', String(port), ...urls]);
    await client.exited;
    expect(client.log()).toContain('QUIC handshake has completed');
    expect(sha(readFileSync(join(dl, 'file.bin')))).toBe(sha(fileBytes));
    expect(readFileSync(join(dl, 'small-7.txt'), 'utf8')).toBe('small file 7\n'.repeat(8));
    const miss = run(GTLSCLIENT, ['--no-quic-dump', '--exit-on-all-streams-close', '--timeout=10s', '127.0.0.1', String(port), `https://localhost:${port}/missing`]);
    await miss.exited;
    expect(miss.log()).toMatch(/:status: 404/);
    expect(existsSync(join(dl, 'missing'))).toBe(false);
  } finally {
    await server.close();
  }
}, 60_000);
