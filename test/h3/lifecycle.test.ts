// Client behaviour at the limits: the server's stream limit, GOAWAY during a request,
// aborting a request.
import { generateSelfSigned } from '../../host/portable';
import { H3Client, serveH3 } from '../../host/h3/index';

const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });

test('the client waits for stream credit: 30 requests through a limit of 4 streams', async () => {
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert, transport: { initialMaxStreamsBidi: 4 } }, async (req) => {
    await new Promise((r) => setTimeout(r, 20));
    return new Response(new URL(req.url).pathname);
  });
  const c = await H3Client.connect(`https://localhost:${server.address.port}`, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  const got = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await c.fetch(`https://localhost:${server.address.port}/r${i}`)).text()));
  expect(got).toEqual(Array.from({ length: 30 }, (_, i) => `/r${i}`));
  await c.close();
  await server.close();
}, 30_000);

test('GOAWAY: the request in progress completes, new requests are refused, the server closes', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let started!: () => void;
  const inHandler = new Promise<void>((r) => { started = r; });
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, async () => {
    started();
    await gate;
    return new Response('finished after GOAWAY');
  });
  const origin = `https://localhost:${server.address.port}`;
  const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  const slow = c.fetch(`${origin}/slow`);
  await inHandler;
  const closing = server.close();
  for (let i = 0; i < 100 && c.h3.goawayReceived === null; i++) await new Promise((r) => setTimeout(r, 10));
  expect(c.h3.goawayReceived).toBe(4); // the first stream id the server will not process
  await expect(c.fetch(`${origin}/late`)).rejects.toMatchObject({ code: 'ERR_H3_REQUEST_REJECTED' });
  release();
  expect(await (await slow).text()).toBe('finished after GOAWAY');
  await closing;
  expect((await c.quic.closed).code).toBe(0x100); // H3_NO_ERROR
}, 30_000);

test('aborting a request rejects it and leaves the connection usable', async () => {
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, async (req) => {
    if (new URL(req.url).pathname === "/hang") await new Promise((r) => setTimeout(r, 1500));
    return new Response('ok');
  });
  const origin = `https://localhost:${server.address.port}`;
  const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  const ac = new AbortController();
  const hang = c.fetch(`${origin}/hang`, { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await expect(hang).rejects.toBeTruthy();
  expect(await (await c.fetch(`${origin}/fine`)).text()).toBe('ok');
  await c.close();
  await server.close();
}, 30_000);

test("the client does not send a header section over the server's SETTINGS_MAX_FIELD_SECTION_SIZE", async () => {
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert, h3: { maxFieldSectionSize: 300 } }, () => new Response('ok'));
  const origin = `https://localhost:${server.address.port}`;
  const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  expect((await c.h3.peerSettings).get(0x06)).toBe(300);
  await expect(c.fetch(`${origin}/`, { headers: { 'x-big': 'y'.repeat(400) } })).rejects.toMatchObject({ code: 'ERR_H3_EXCESSIVE_LOAD' });
  expect(await (await c.fetch(`${origin}/`)).text()).toBe('ok');
  await c.close();
  await server.close();
}, 30_000);

test('serveH3 without a handler function and h3Fetch with a non-object h3Client are argument errors, before any socket', async () => {
  // A server that listened without a handler would answer every request 500.
  await expect(serveH3({ port: 0, certificate: cert }, undefined as never)).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(/handler must be a function .* not undefined/) });
  await expect(serveH3('options' as never, async () => new Response('x'))).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(/options must be an object/) });
  // A string h3Client used to be spread into nothing: the platform's roots, then unknown_ca.
  await expect(H3Client.connect('https://localhost:9', 'x' as never)).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(/options must be an object, not the string "x"/) });
  // SETTINGS values are varints: a negative or non-integer size used to fail inside each connection.
  await expect(serveH3({ port: 0, certificate: cert, h3: { maxTableCapacity: -1 } }, async () => new Response('x'))).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(/h3\.maxTableCapacity must be an integer ≥ 0, not number -1/) });
  await expect(H3Client.connect('https://localhost:9', { h3: { maxFieldSectionSize: '64k' as never } })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(/h3\.maxFieldSectionSize/) });
  await expect(serveH3({ port: 0, certificate: cert, onHandlerError: 'log' as never }, async () => new Response('x'))).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
});
