// Our HTTP/3 client against our HTTP/3 server over loopback UDP.
import { createHash, randomBytes } from 'node:crypto';
import { generateSelfSigned } from '../../host/portable';
import { H3Client, h3Fetch, serveH3, type H3Server } from '../../host/h3/index';

const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let server: H3Server;
let base: string;
const clientOpts = () => ({ address: '127.0.0.1', port: server.address.port, trustAnchors: [cert.chain[0]] });

/** A deterministic stream of `n` pseudo-random bytes in 64 KiB pieces. */
function bigBody(n: number, seed: Uint8Array): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= n) { c.close(); return; }
      const piece = new Uint8Array(Math.min(65536, n - sent));
      for (let i = 0; i < piece.length; i++) piece[i] = seed[(sent + i) % seed.length] ^ ((sent + i) >> 12);
      sent += piece.length;
      c.enqueue(piece);
    },
  });
}
async function collect(s: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(s).arrayBuffer());
}

beforeAll(async () => {
  server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/hello') return new Response('hello, h3', { headers: { 'content-type': 'text/plain', 'x-method': req.method } });
    if (url.pathname === '/echo-hash') {
      const body = new Uint8Array(await req.arrayBuffer());
      const t = await req.trailers;
      return new Response(JSON.stringify({ sha: sha(body), len: body.length, trailer: t.get('x-checksum') }));
    }
    if (url.pathname === '/echo') return new Response(req.body, { headers: { 'x-len': req.headers.get('x-len') ?? '' } });
    if (url.pathname === '/trailers') {
      return Object.assign(new Response('body with trailers'), { trailers: Promise.resolve({ 'x-checksum': 'abc123' }) });
    }
    if (url.pathname.startsWith('/n/')) return new Response(`item ${url.pathname.slice(3)}`);
    if (url.pathname === '/throw') throw new Error('boom');
    return new Response('not found', { status: 404 });
  });
  base = `https://localhost:${server.address.port}`;
});
afterAll(async () => { await server.close(); });

test('GET with h3Fetch: status, headers, body', async () => {
  const r = await h3Fetch(`${base}/hello`, { h3Client: clientOpts() });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/plain');
  expect(r.headers.get('x-method')).toBe('GET');
  expect(await r.text()).toBe('hello, h3');
});

test('404 and a throwing handler (500)', async () => {
  const c = await H3Client.connect(base, clientOpts());
  const r = await c.fetch(`${base}/missing`);
  expect(r.status).toBe(404);
  expect(await r.text()).toBe('not found');
  expect((await c.fetch(`${base}/throw`)).status).toBe(500);
  await c.close();
});

test('POST 5 MB both ways, byte-exact by SHA-256, with request trailers', async () => {
  const c = await H3Client.connect(base, clientOpts());
  const seed = randomBytes(4099);
  const expected = sha(await collect(bigBody(5_000_000, seed)));
  const up = await c.fetch(`${base}/echo-hash`, { method: 'POST', body: bigBody(5_000_000, seed), duplex: 'half', trailers: { 'x-checksum': expected } });
  expect(await up.json()).toEqual({ sha: expected, len: 5_000_000, trailer: expected });
  const echo = await c.fetch(`${base}/echo`, { method: 'POST', body: bigBody(5_000_000, seed), duplex: 'half', headers: { 'x-len': '5000000' } });
  expect(echo.headers.get('x-len')).toBe('5000000');
  expect(sha(await collect(echo.body!))).toBe(expected);
  await c.close();
}, 120_000);

test('response trailers', async () => {
  const c = await H3Client.connect(base, clientOpts());
  const r = await c.fetch(`${base}/trailers`);
  expect(await r.text()).toBe('body with trailers');
  expect((await r.trailers).get('x-checksum')).toBe('abc123');
  await c.close();
});

test('50 concurrent requests on one connection', async () => {
  const c = await H3Client.connect(base, clientOpts());
  const texts = await Promise.all(Array.from({ length: 50 }, async (_, i) => (await c.fetch(`${base}/n/${i}`)).text()));
  expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `item ${i}`));
  expect(c.quic.handshakeInfo?.alpn).toBe('h3');
  await c.close();
});

test('a Node-style (req, res) handler through nodeStyle()', async () => {
  const { nodeStyle } = await import('../../host/h3/index');
  const s = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, nodeStyle(async (req, res) => {
    let n = 0;
    for await (const chunk of req) n += (chunk as Uint8Array).length;
    res.statusCode = 201;
    res.setHeader('x-seen', `${req.method} ${req.url} ${req.headers['x-test']} ${n}`);
    res.write('part 1, ');
    res.end('part 2');
  }));
  const c = await H3Client.connect(`https://localhost:${s.address.port}`, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  const r = await c.fetch(`https://localhost:${s.address.port}/node?q=1`, { method: 'PUT', body: 'x'.repeat(100_000), headers: { 'x-test': 'yes' } });
  expect(r.status).toBe(201);
  expect(r.headers.get('x-seen')).toBe('PUT /node?q=1 yes 100000');
  expect(await r.text()).toBe('part 1, part 2');
  await c.close();
  await s.close();
});
