// AbortSignal and timeoutMs on every wait (accept, read, write, close, connect), and
// `await using` on servers, endpoints, connections and streams. A wait that is given up
// takes nothing with it: what arrives later goes to the next caller.
import { listen, connect } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { runUntil, pairOf, watch } from '../transport/sim';
import type { QuicStream } from '../../host/transport/stream';
import type { QuicConnection } from '../../host/transport/connection';

const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });



describe('on the simulator (virtual time)', () => {
  test('acceptStream: an aborted wait rejects with the reason; the stream that comes later goes to the next caller', async () => {
    const t = await pairOf();
    const ac = new AbortController();
    const first = watch(t.server.acceptStream({ signal: ac.signal }));
    ac.abort(new Error('not now'));
    expect(await runUntil(t.clock, () => first.done)).toBe(true);
    expect(first.error.message).toBe('not now');
    const timed = watch(t.server.acceptStream({ timeoutMs: 500 }));
    const start = t.clock.now();
    expect(await runUntil(t.clock, () => timed.done)).toBe(true);
    expect(timed.error).toMatchObject({ code: 'ERR_QUIC_TIMEOUT', name: 'QuicTimeoutError' });
    expect(t.clock.now() - start).toBeGreaterThanOrEqual(500_000);
    void t.client.openStream().end('late');
    const next = watch(t.server.acceptStream());
    expect(await runUntil(t.clock, () => next.done)).toBe(true);
    expect(new TextDecoder().decode(await next.value!.readAll())).toBe('late');
    // An already-aborted signal rejects at once.
    await expect(t.server.acceptStream({ signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
  });

  test('read: a given-up read loses nothing', async () => {
    const t = await pairOf();
    const s = t.client.openStream();
    await s.write('a');
    const peer = watch(t.server.acceptStream());
    expect(await runUntil(t.clock, () => peer.done)).toBe(true);
    const r = peer.value!;
    expect(new TextDecoder().decode((await r.read())!)).toBe('a');
    const ac = new AbortController();
    const waiting = r.read({ signal: ac.signal });
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    void s.end('bc');
    const rest = watch(r.readAll());
    expect(await runUntil(t.clock, () => rest.done)).toBe(true);
    expect(new TextDecoder().decode(rest.value!)).toBe('bc');
  });

  test('write: a timed-out write (the peer never reads) rejects and resets the stream', async () => {
    const t = await pairOf({ transport: { initialMaxStreamDataBidiRemote: 64 * 1024, streamSendBuffer: 64 * 1024 } });
    const s = t.client.openStream();
    const w = watch(s.write(new Uint8Array(5_000_000), { timeoutMs: 1000 }));
    const peer = watch(t.server.acceptStream());
    expect(await runUntil(t.clock, () => w.done && peer.done)).toBe(true);
    expect(w.error).toMatchObject({ code: 'ERR_QUIC_TIMEOUT' });
    const read = watch(peer.value!.readAll());
    expect(await runUntil(t.clock, () => read.done)).toBe(true);
    expect(read.error).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET' });
  });

  test('close: aborting a graceful close that waits for an unread stream closes at once and rejects', async () => {
    const t = await pairOf({ transport: { initialMaxStreamDataBidiRemote: 64 * 1024, maxReceiveWindow: 64 * 1024 }, server: { streamHighWaterMark: 16 * 1024 } });
    void t.client.openStream().write(new Uint8Array(1_000_000)).catch(() => undefined); // the server never reads it
    const ac = new AbortController();
    const closing = watch(t.client.close(5, 'bye', { signal: ac.signal }));
    const serverClosed = watch(t.server.closed);
    expect(await runUntil(t.clock, () => closing.done, 3_000_000)).toBe(false); // graceful: still waiting
    ac.abort(new Error('enough'));
    expect(await runUntil(t.clock, () => closing.done && serverClosed.done)).toBe(true);
    expect(closing.error.message).toBe('enough');
    expect(serverClosed.value).toMatchObject({ code: 5, application: true, byPeer: true, reasonPhrase: 'bye' });
  });

  test('openStreamAsync: a wait for stream credit can be given up', async () => {
    const t = await pairOf({ serverTransport: { initialMaxStreamsBidi: 1 } });
    t.client.openStream();
    const w = watch(t.client.openStreamAsync({ timeoutMs: 200 }));
    expect(await runUntil(t.clock, () => w.done)).toBe(true);
    expect(w.error).toMatchObject({ code: 'ERR_QUIC_TIMEOUT' });
  });

  test('await using closes connections and ends streams', async () => {
    const t = await pairOf();
    let serverStream: QuicStream | null = null;
    void t.server.acceptStream().then((s) => { serverStream = s; });
    const scope = (async (conn: QuicConnection) => {
      await using c = conn;
      await using s = c.openStream();
      await s.write('scoped');
    })(t.client);
    const serverClosed = watch(t.server.closed);
    const done = watch(scope);
    expect(await runUntil(t.clock, () => done.done && serverClosed.done)).toBe(true);
    expect(done.error).toBeUndefined();
    expect(serverClosed.value).toMatchObject({ code: 0, byPeer: true });
    // The stream got its FIN before the connection closed: the data reads to its end.
    expect(new TextDecoder().decode(await serverStream!.readAll())).toBe('scoped');
    await t.server[Symbol.asyncDispose]();
  });
});

describe('over UDP (wall clock)', () => {
  test('connect: timeoutMs against a port where nobody answers; an already-aborted signal', async () => {
    const silent = await listen({ alpn: ['x'], certificate: cert }); // bound, then closed: nobody answers
    const port = silent.address.port;
    await silent.close();
    await expect(connect({ address: '127.0.0.1', port, alpn: ['x'], timeoutMs: 300 })).rejects.toMatchObject({ code: 'ERR_QUIC_TIMEOUT', message: 'connect() timed out after 300 ms' });
    await expect(connect({ address: '127.0.0.1', port, alpn: ['x'], signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
    await expect(connect({ address: '127.0.0.1', port, alpn: ['x'], timeoutMs: -1 })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
  });

  test('server.accept: a timed-out wait loses no connection; await using closes the server', async () => {
    let conn: QuicConnection | null = null;
    {
      await using server = await listen({ alpn: ['x'], certificate: cert });
      await expect(server.accept({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_QUIC_TIMEOUT' });
      const client = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]] });
      conn = await server.accept({ timeoutMs: 5000 });
      expect(conn.handshakeInfo?.alpn).toBe('x');
      await client.close();
    }
    expect(conn!.state).toBe('closed');
  });
});
