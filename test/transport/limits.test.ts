// Flow control and stream limits (RFC 9000 §4): a slow reader stalls the sender
// without loss, and a peer that goes past a limit gets FLOW_CONTROL_ERROR or
// STREAM_LIMIT_ERROR. The misbehaving peer is forged (rogue.ts) because our own client
// refuses to exceed limits.
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert, connectedSim as connected, type SimOptions } from './sim';
import { rogueConnected } from './rogue-sim';
import { RogueClient, streamFrame } from './rogue';
import { Suite } from '../../host/crypto/suites';
import { Prng } from '../../host/net/prng';
import type { QuicConnection, CloseInfo } from '../../host/transport/connection';
import { TransportErrorCode } from '../../host/errors';
import { transfer } from './transfer';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function serverCloseAfter(serverTransport: SimOptions['serverTransport'], frames: (r: RogueClient) => Uint8Array[]): Promise<{ server: CloseInfo; client: CloseInfo }> {
  const { clock, rogue, conn, serverConn } = await rogueConnected({ serverTransport });
  rogue.inject(...frames(rogue));
  let server: CloseInfo | null = null, client: CloseInfo | null = null;
  serverConn.closed.then((c) => { server = c; });
  conn.closed.then((c) => { client = c; });
  expect(await runUntil(clock, () => server !== null && client !== null)).toBe(true);
  return { server: server!, client: client! };
}

describe('flow control', () => {
  test('a slow reader stalls the sender without loss; buffers stay within the window', async () => {
    const WINDOW = 128 * 1024;
    const HIGH_WATER = 16 * 1024;
    const { clock, conn, serverConn } = await connected({
      serverTransport: { initialMaxStreamDataBidiRemote: 64 * 1024, initialMaxData: 64 * 1024, maxReceiveWindow: WINDOW },
      server: { streamHighWaterMark: HIGH_WATER },
    });
    const payload = new Prng(99).fill(new Uint8Array(1 << 20));
    const s = conn.openStream();
    let written = false;
    s.end(payload).then(() => { written = true; });

    // The server reads one chunk every 20 ms of virtual time: about 1 MB/s at most.
    const sleep = (us: number) => new Promise<void>((r) => clock.setTimer(clock.now() + us, r));
    const parts: Uint8Array[] = [];
    let appRead = 0, maxAhead = 0, done = false;
    const reader = (async () => {
      const rs = await serverConn.acceptStream();
      for (let c = await rs.read(); c; c = await rs.read()) {
        parts.push(c);
        appRead += c.length;
        // What the sender got onto the wire beyond what the application has consumed.
        maxAhead = Math.max(maxAhead, serverConn.stats().streamBytesReceived - appRead);
        await sleep(20_000);
      }
      done = true;
    })();
    const start = clock.now();
    expect(await runUntil(clock, () => done, 120_000_000)).toBe(true);
    await reader;
    const elapsedMs = (clock.now() - start) / 1000;

    expect(sha(Buffer.concat(parts))).toBe(sha(payload));
    expect(written).toBe(true);
    expect(conn.stats().packetsLost).toBe(0);
    // The sender can be ahead of the reader by the JS buffer, one chunk and the window at most.
    expect(maxAhead).toBeLessThanOrEqual(HIGH_WATER + 64 * 1024 + WINDOW);
    expect(serverConn.stats().recvBufferHighWater).toBeLessThanOrEqual(WINDOW);
    // Without flow control the whole megabyte would be in the server after ~100 ms; the
    // reader needed many paced reads, so the sender really was held back.
    expect(parts.length).toBeGreaterThan(10);
    expect(elapsedMs).toBeGreaterThan(20 * (parts.length - 1) - 1);
  });

  test('a stream that goes past its MAX_STREAM_DATA gets FLOW_CONTROL_ERROR', async () => {
    const r = await serverCloseAfter({ initialMaxStreamDataBidiRemote: 1000 }, () => [streamFrame(0, 1000, new Uint8Array(10))]);
    expect(r.server).toMatchObject({ code: TransportErrorCode.FLOW_CONTROL_ERROR, application: false, byPeer: false });
    expect(r.client).toMatchObject({ code: TransportErrorCode.FLOW_CONTROL_ERROR, application: false, byPeer: true });
  });

  test('data across streams past MAX_DATA gets FLOW_CONTROL_ERROR', async () => {
    const r = await serverCloseAfter({ initialMaxData: 3000, initialMaxStreamDataBidiRemote: 10_000 }, () => [
      streamFrame(0, 0, new Uint8Array(1500)), streamFrame(4, 0, new Uint8Array(1500)), streamFrame(8, 0, new Uint8Array(1)),
    ]);
    expect(r.server).toMatchObject({ code: TransportErrorCode.FLOW_CONTROL_ERROR, byPeer: false });
  });

  test('data within the limits is accepted from the same forged path (control)', async () => {
    const { clock, rogue, serverConn } = await rogueConnected({ serverTransport: { initialMaxStreamDataBidiRemote: 1000 } });
    rogue.inject(streamFrame(0, 0, new TextEncoder().encode('forged but legal'), true));
    let got: Uint8Array | null = null;
    serverConn.acceptStream().then((s) => s.readAll()).then((d) => { got = d; });
    expect(await runUntil(clock, () => got !== null, 5_000_000)).toBe(true);
    expect(new TextDecoder().decode(got!)).toBe('forged but legal');
    expect(['established', 'confirmed']).toContain(serverConn.state);
  });
});

describe('stream limits', () => {
  test('opening a stream past MAX_STREAMS gets STREAM_LIMIT_ERROR', async () => {
    // Four bidirectional streams allowed: ids 0, 4, 8, 12. Id 16 is the fifth.
    const r = await serverCloseAfter({ initialMaxStreamsBidi: 4 }, () => [streamFrame(16, 0, new Uint8Array(1))]);
    expect(r.server).toMatchObject({ code: TransportErrorCode.STREAM_LIMIT_ERROR, byPeer: false });
    expect(r.client).toMatchObject({ code: TransportErrorCode.STREAM_LIMIT_ERROR, byPeer: true });
  });

  test('our client refuses to open past the peer limit with a typed error, and can again once streams close', async () => {
    const { clock, conn, serverConn } = await connected({ serverTransport: { initialMaxStreamsBidi: 2 } });
    const a = conn.openStream();
    conn.openStream();
    expect(() => conn.openStream()).toThrow(expect.objectContaining({ code: 'ERR_QUIC_TRANSPORT', quicCode: TransportErrorCode.STREAM_LIMIT_ERROR }));
    // Finish stream a in both directions: the server's MAX_STREAMS then allows one more.
    serverConn.acceptStream().then(async (s) => { await s.readAll(); await s.end(); });
    await a.end(new Uint8Array([1]));
    let aDone = false;
    a.readAll().then(() => { aDone = true; });
    expect(await runUntil(clock, () => aDone)).toBe(true);
    // openStreamAsync waits for the server's MAX_STREAMS instead of throwing.
    let opened = false;
    conn.openStreamAsync().then(() => { opened = true; });
    expect(await runUntil(clock, () => opened, 5_000_000)).toBe(true);
    expect(() => conn.openStream()).toThrow(expect.objectContaining({ quicCode: TransportErrorCode.STREAM_LIMIT_ERROR }));
  });
});

describe('small buffers', () => {
  // Buffers a few packets long whose sizes are not powers of two: every ring wraps many
  // times mid-chunk, under loss and reordering, and the bytes must still arrive exactly.
  test.each([1, 2, 3, 4, 5])('seed %i: 200 kB each way through 3000-byte send and 5000-byte receive windows with 10%% loss', async (seed) => {
    const r = await transfer({
      seed, totalBytes: 200_000, streams: 2,
      impair: { loss: 0.1, reorder: 0.05, delayUs: 5000, jitterUs: 1000 },
      transport: { streamSendBuffer: 3000, initialMaxStreamDataBidiLocal: 5000, initialMaxStreamDataBidiRemote: 5000, maxReceiveWindow: 7000, initialMaxData: 20_000 },
    });
    expect({ ok: r.ok, reason: r.reason }).toEqual({ ok: true, reason: undefined });
    expect(r.echoedHashes).toEqual(r.sentHashes);
    for (const st of [r.clientStats, r.serverStats!]) {
      expect(st.sendBufferHighWater).toBeLessThanOrEqual(3000);
      expect(st.recvBufferHighWater).toBeLessThanOrEqual(20_000);
    }
  });
});
