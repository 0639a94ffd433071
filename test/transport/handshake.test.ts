// End to end: our client and server, real TLS 1.3 and packet protection, over the
// in-memory datagram pair on a virtual clock.
import { makeSim, runUntil, cert } from './sim';
import type { QuicConnection } from '../../host/transport/connection';

describe('QUIC handshake and a stream over the DgramPair', () => {
  test('handshake completes and an echo round-trips', async () => {
    const { clock, client, server } = makeSim();
    let serverConn: QuicConnection | null = null;
    server.accept().then((c) => { serverConn = c; });
    const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let established = false;
    let failure: Error | null = null;
    conn.established.then(() => { established = true; }, (e) => { failure = e; });
    expect(await runUntil(clock, () => established || failure !== null)).toBe(true);
    if (failure) throw failure;
    expect(conn.handshakeInfo?.alpn).toBe('test');
    // The deadlines behind the core's timer (diagnostics ABI): an idle deadline in the
    // future, no close pending, and the Initial space already discarded.
    const timers = conn.timers()!;
    expect(timers.idleDeadline).toBeGreaterThan(clock.now());
    expect(timers.closeDeadline).toBe(Infinity);
    expect(timers.ackDeadline[0]).toBe(Infinity);
    expect(await runUntil(clock, () => serverConn !== null)).toBe(true);

    // Echo: the server reads a stream and writes it back.
    const echo = (async () => {
      const s = await serverConn!.acceptStream();
      const data = await s.readAll();
      await s.end(data);
    })();
    const stream = conn.openStream();
    const payload = new TextEncoder().encode('hello over QUIC');
    await stream.end(payload);
    let got: Uint8Array | null = null;
    stream.readAll().then((d) => { got = d; });
    expect(await runUntil(clock, () => got !== null)).toBe(true);
    expect(new TextDecoder().decode(got!)).toBe('hello over QUIC');
    await echo;

    // Clean close from the client; the server sees the application close.
    const closed = conn.close(0, 'bye');
    let serverClosed: unknown = null;
    serverConn!.closed.then((c) => { serverClosed = c; });
    expect(await runUntil(clock, () => serverClosed !== null)).toBe(true);
    expect(serverClosed).toMatchObject({ code: 0, application: true, byPeer: true });
    await closed;
  });
});
