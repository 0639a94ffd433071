// hq-interop: our client and server over loopback UDP.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned } from '../../host/portable';
import { listen, type QuicServer } from '../../host/node';
import { HqClient, HqErrorCode, serveHqConnection, HQ_ALPN } from '../../host/h3/index';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
let dir: string, server: QuicServer;
const big = randomBytes(2_000_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-hq-'));
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'secret.txt'), 'outside the root');
  writeFileSync(join(dir, 'www', 'big.bin'), big);
  for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'www', `f${i}`), `file ${i}`);
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'www', 'escape'));
  server = await listen({ address: '127.0.0.1', port: 0, alpn: [HQ_ALPN], certificate: cert });
  void (async () => { for await (const c of server) void serveHqConnection(c, join(dir, 'www')); })();
});
afterAll(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

const text = async (s: ReadableStream<Uint8Array>) => new Response(s).text();
const failure = async (s: Promise<ReadableStream<Uint8Array>>) => {
  try { await text(await s); } catch (e) { return (e as { code?: string; quicCode?: number }); }
  return null;
};

test('many files concurrently on one connection, a 2 MB file byte-exact', async () => {
  const c = await HqClient.connect(`https://localhost:${server.address.port}`, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  expect(c.quic.handshakeInfo?.alpn).toBe('hq-interop');
  const [bigBody, ...small] = await Promise.all([
    c.get('/big.bin').then((s) => new Response(s).arrayBuffer()),
    ...Array.from({ length: 30 }, (_, i) => c.get(`/f${i}`).then(text)),
  ]);
  expect(sha(new Uint8Array(bigBody as ArrayBuffer))).toBe(sha(big));
  expect(small).toEqual(Array.from({ length: 30 }, (_, i) => `file ${i}`));
  await c.close();
}, 60_000);

test('missing file, ".." and a symlink out of the root: stream resets with documented codes', async () => {
  const c = await HqClient.connect(`https://localhost:${server.address.port}`, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  expect(await failure(c.get('/nope'))).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET', quicCode: HqErrorCode.NOT_FOUND });
  expect(await failure(c.get('/../secret.txt'))).toMatchObject({ quicCode: HqErrorCode.FORBIDDEN });
  expect(await failure(c.get('/%2e%2e/secret.txt'))).toMatchObject({ quicCode: HqErrorCode.FORBIDDEN });
  expect(await failure(c.get('/escape'))).toMatchObject({ quicCode: HqErrorCode.FORBIDDEN });
  expect(await text(await c.get('/f1'))).toBe('file 1'); // the connection is still fine
  await c.close();
}, 30_000);
