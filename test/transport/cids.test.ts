// Several connection IDs per connection (RFC 9000 §5.1): NEW_CONNECTION_ID issued up to
// the peer's active_connection_id_limit and used; Retire Prior To moves the peer to new
// CIDs mid-transfer without losing a byte; the retired CIDs stop routing; a peer that
// pushes more CIDs than our limit gets CONNECTION_ID_LIMIT_ERROR (§5.1.1), and the
// sequence-number rules of §19.15 / §19.16 end in PROTOCOL_VIOLATION.
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert, connectedSim as connected, type SimOptions } from './sim';
import { RogueClient } from './rogue';
import { rogueConnected } from './rogue-sim';
import { Suite } from '../../host/crypto/suites';
import { Prng } from '../../host/net/prng';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import type { QuicConnection, CloseInfo } from '../../host/transport/connection';
import { TransportErrorCode } from '../../host/errors';
import { varint } from '../support/varint';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** DCIDs of the client's short-header packets, in order of first use (server CIDs are 8 bytes). */
function watchClientDcids(sim: ReturnType<typeof makeSim>, cidLen = 8): string[] {
  const seen: string[] = [];
  const send = sim.pair.a.send.bind(sim.pair.a);
  sim.pair.a.send = (d: Uint8Array, p: number) => {
    if ((d[0] & 0x80) === 0) {
      const id = hex(d.subarray(1, 1 + cidLen));
      if (!seen.includes(id)) seen.push(id);
    }
    send(d, p);
  };
  return seen;
}

function newConnectionId(seq: number, retirePriorTo: number, cid: Uint8Array, token = new Uint8Array(16).fill(seq)): Uint8Array {
  return Uint8Array.from([0x18, ...varint(seq), ...varint(retirePriorTo), cid.length, ...cid, ...token]);
}
const retireConnectionId = (seq: number) => Uint8Array.from([0x19, ...varint(seq)]);

async function serverCloseAfter(frames: Uint8Array[], opts: SimOptions = {}): Promise<CloseInfo | null> {
  const { clock, rogue, serverConn, pair } = await rogueConnected(opts);
  // The server's ACK of the forged packet number would make the real client close
  // (§13.1: an ACK of a packet never sent), so the server's answers are dropped.
  pair.b.send = () => undefined;
  rogue.inject(...frames);
  let info: CloseInfo | null = null;
  serverConn.closed.then((c) => { info = c; });
  await runUntil(clock, () => info !== null, 2_000_000);
  return info;
}

describe('connection IDs', () => {
  test('each side issues CIDs up to the peer\'s limit (default 4) and holds the peer\'s', async () => {
    const { clock, conn, serverConn } = await connected();
    await runUntil(clock, () => false, 200_000);
    for (const c of [conn, serverConn]) {
      const s = c.stats();
      expect(s.connectionIdsIssued).toBe(4); // sequence 0 (handshake) + 3 NEW_CONNECTION_ID
      expect(s.peerConnectionIdsHeld).toBe(4);
      expect(s.peerConnectionIdSequence).toBe(0);
    }
  });

  test('the peer\'s smaller limit is honoured, ours is sent', async () => {
    const { clock, conn, serverConn } = await connected({ transport: { activeConnectionIdLimit: 2 }, serverTransport: { activeConnectionIdLimit: 7 } });
    await runUntil(clock, () => false, 200_000);
    expect(serverConn.stats().connectionIdsIssued).toBe(2); // the client allows 2
    expect(conn.stats().connectionIdsIssued).toBe(7); // the server allows 7
    expect(conn.stats().peerConnectionIdsHeld).toBe(2);
    expect(serverConn.stats().peerConnectionIdsHeld).toBe(7);
  });

  test('Retire Prior To mid-transfer: the client moves to a new CID, the old ones stop routing, the transfer is byte-exact', async () => {
    for (const seed of [1, 2, 3]) {
      const sim = await connected({ seed, aToB: { loss: 0.03, delayUs: 5000 }, bToA: { loss: 0.03, delayUs: 5000 } });
      const { clock, conn, serverConn, server } = sim;
      const dcids = watchClientDcids(sim);
      const payload = new Prng(seed).fill(new Uint8Array(600_000));
      let echoed: Uint8Array | null = null;
      let failure: string | null = null;
      let receivedByServer = 0;
      let rotated = false;
      serverConn.acceptStream().then(async (s) => {
        for await (const c of s) {
          receivedByServer += c.length;
          if (!rotated && receivedByServer > 200_000) { rotated = true; serverConn.retireConnectionIds(); }
          await s.write(c);
        }
        await s.end();
      }).catch((e) => { failure = `server: ${e.message}`; });
      const st = conn.openStream();
      st.end(payload).catch((e) => { failure = `write: ${e.message}`; });
      st.readAll().then((d) => { echoed = d; }, (e) => { failure = `read: ${e.message}`; });
      expect(await runUntil(clock, () => echoed !== null || failure !== null)).toBe(true);
      expect(failure).toBeNull();
      expect(sha(echoed!)).toBe(sha(payload));
      expect(rotated).toBe(true);
      // Let the RETIRE_CONNECTION_IDs and the replacements settle.
      await runUntil(clock, () => false, 1_000_000);
      const cs = conn.stats(), ss = serverConn.stats();
      expect(cs.peerConnectionIdSequence).toBeGreaterThanOrEqual(4); // a CID issued after Retire Prior To
      expect(cs.peerConnectionIdsHeld).toBe(4);
      expect(ss.connectionIdsIssued).toBe(8); // 4 before, 4 after the rotation
      expect(dcids.length).toBeGreaterThanOrEqual(2);
      // The first CID is no longer routed: a packet to it draws a stateless reset, not the connection.
      const before = server.stats.statelessResetsSent;
      sim.pair.a.send(Uint8Array.from([0x40, ...Buffer.from(dcids[0], 'hex'), ...new Uint8Array(60)]), 0);
      await runUntil(clock, () => false, 100_000);
      expect(server.stats.statelessResetsSent).toBeGreaterThan(before);
      expect(serverConn.state).not.toBe('closed');
    }
  });

  test('lost NEW_CONNECTION_ID and RETIRE_CONNECTION_ID frames are sent again (30% loss both ways)', async () => {
    const serverLog = new MemoryQlog(), clientLog = new MemoryQlog();
    const { clock, conn, serverConn } = await connected({
      seed: 11, aToB: { loss: 0.3, delayUs: 5000 }, bToA: { loss: 0.3, delayUs: 5000 },
      server: { qlog: { sink: serverLog.factory } }, client: { qlog: { sink: clientLog.factory } },
    });
    expect(serverConn.retireConnectionIds()).toBe(true);
    expect(serverConn.retireConnectionIds()).toBe(false); // the first is not complete yet
    expect(await runUntil(clock, () => serverConn.stats().connectionIdsIssued === 8 && conn.stats().peerConnectionIdSequence >= 4
      && conn.stats().peerConnectionIdsHeld === 4, 20_000_000)).toBe(true);
    await runUntil(clock, () => false, 2_000_000); // the RETIRE_CONNECTION_IDs and their acknowledgments
    // Frames per sequence number in the packets each side sent: some went more than once.
    const sentFrames = (log: MemoryQlog, type: string) => {
      const count = new Map<number, number>();
      for (const t of log.traces.values()) for (const r of t.records) {
        const ev = JSON.parse(r.slice(1));
        if (!String(ev.name).endsWith('packet_sent')) continue;
        for (const f of ev.data?.frames ?? []) if (f.frame_type === type) count.set(f.sequence_number, (count.get(f.sequence_number) ?? 0) + 1);
      }
      return count;
    };
    const ncid = sentFrames(serverLog, 'new_connection_id');
    const retire = sentFrames(clientLog, 'retire_connection_id');
    expect([...ncid.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([...retire.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(Math.max(...ncid.values(), ...retire.values())).toBeGreaterThan(1);
    // Once all old CIDs are retired a new rotation may start.
    expect(serverConn.retireConnectionIds()).toBe(true);
  });

  test('more CIDs than our active_connection_id_limit: CONNECTION_ID_LIMIT_ERROR (§5.1.1)', async () => {
    // The server allows 4, and the real client already gave it sequence numbers 0..3.
    const cid = (i: number) => new Uint8Array(8).fill(0xa0 + i);
    const over = await serverCloseAfter([newConnectionId(4, 0, cid(4))]);
    expect(over?.code).toBe(TransportErrorCode.CONNECTION_ID_LIMIT_ERROR);
    // Retiring as many as it adds keeps the peer within the limit...
    const rolling = await serverCloseAfter([newConnectionId(4, 1, cid(4)), newConnectionId(5, 2, cid(5))]);
    expect(rolling).toBeNull();
    // ...one more than it retires does not.
    const over2 = await serverCloseAfter([newConnectionId(4, 1, cid(4)), newConnectionId(5, 1, cid(5))]);
    expect(over2?.code).toBe(TransportErrorCode.CONNECTION_ID_LIMIT_ERROR);
  });

  test('sequence-number rules (§19.15, §19.16) end in PROTOCOL_VIOLATION', async () => {
    const a = new Uint8Array(8).fill(0xa1), b = new Uint8Array(8).fill(0xb2);
    const cases: [string, Uint8Array[]][] = [
      ['one sequence number, two CIDs', [newConnectionId(4, 1, a), newConnectionId(4, 1, b)]],
      ['a sequence number the client used for another CID', [newConnectionId(1, 0, a)]],
      ['one CID, two sequence numbers', [newConnectionId(4, 1, a), newConnectionId(5, 2, a)]],
      ['RETIRE_CONNECTION_ID of a CID never issued', [retireConnectionId(50)]],
      ['RETIRE_CONNECTION_ID of the CID the packet went to', [retireConnectionId(0)]],
    ];
    for (const [, frames] of cases) {
      const info = await serverCloseAfter(frames);
      expect(info?.code).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
    }
    // A repeat that says the same thing is fine (a retransmission).
    expect(await serverCloseAfter([newConnectionId(4, 1, a), newConnectionId(4, 1, a)])).toBeNull();
  });

  test('a NEW_CONNECTION_ID retired by an earlier Retire Prior To is retired at once, not held', async () => {
    // Links with 20 ms of delay: checked before the real client's answer to the retirements arrives.
    const { clock, rogue, serverConn } = await rogueConnected({ aToB: { delayUs: 20_000 }, bToA: { delayUs: 20_000 } });
    await runUntil(clock, () => false, 200_000);
    rogue.inject(newConnectionId(9, 9, new Uint8Array(8).fill(9)), newConnectionId(7, 0, new Uint8Array(8).fill(7)));
    await runUntil(clock, () => false, 30_000);
    expect(serverConn.state).not.toBe('closed');
    const s = serverConn.stats();
    expect(s.peerConnectionIdsHeld).toBe(1); // only sequence 9
    expect(s.peerConnectionIdSequence).toBe(9);
  });

  test('zero-length CIDs on the client: the transfer works, and NEW_CONNECTION_ID from it is a PROTOCOL_VIOLATION', async () => {
    const sim = await connected({ client: { localCidLength: 0 } });
    const { clock, conn, serverConn } = sim;
    await runUntil(clock, () => false, 200_000);
    expect(conn.stats().connectionIdsIssued).toBe(1); // nothing to issue (§5.1)
    expect(serverConn.stats().connectionIdsIssued).toBe(4); // the server still gives the client CIDs
    const payload = new Prng(9).fill(new Uint8Array(100_000));
    let got: Uint8Array | null = null;
    serverConn.acceptStream().then((s) => s.readAll()).then((d) => { got = d; });
    void conn.openStream().end(payload);
    expect(await runUntil(clock, () => got !== null)).toBe(true);
    expect(sha(got!)).toBe(sha(payload));

    const info = await serverCloseAfter([newConnectionId(1, 0, new Uint8Array(8).fill(1))], { client: { localCidLength: 0 } });
    expect(info?.code).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
  });

  test('QUIC-LB: the server ID decodes from every CID the server issues, NEW_CONNECTION_ID ones included', async () => {
    const serverId = Uint8Array.from([0x5e, 0x72, 0x01]);
    const log = new MemoryQlog();
    const sim = makeSim({ server: { quicLb: { serverId, configId: 2, nonceLength: 6 }, qlog: { sink: log.factory } } });
    const issued = new Set<string>();
    const send = sim.pair.b.send.bind(sim.pair.b);
    sim.pair.b.send = (d: Uint8Array, p: number) => {
      if (d[0] & 0x80) { const dl = d[5]; issued.add(hex(d.subarray(7 + dl, 7 + dl + d[6 + dl]))); }
      send(d, p);
    };
    let serverConn: QuicConnection | null = null;
    sim.server.accept().then((c) => { serverConn = c; });
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    expect(await runUntil(sim.clock, () => conn.handshakeInfo !== null && serverConn !== null)).toBe(true);
    serverConn!.retireConnectionIds();
    await runUntil(sim.clock, () => false, 500_000);
    for (const t of log.traces.values()) {
      for (const r of t.records) {
        const ev = JSON.parse(r.slice(1));
        if (!String(ev.name).endsWith('packet_sent')) continue;
        for (const f of ev.data?.frames ?? []) if (f.frame_type === 'new_connection_id') issued.add(f.connection_id);
      }
    }
    expect(issued.size).toBeGreaterThanOrEqual(8); // the handshake CID, 3 + 4 NEW_CONNECTION_ID
    const nonces = new Set<string>();
    for (const id of issued) {
      const b = Buffer.from(id, 'hex');
      expect(b.length).toBe(1 + 3 + 6);
      expect(b[0] >> 5).toBe(2); // config rotation
      expect(hex(b.subarray(1, 4))).toBe(hex(serverId)); // what a load balancer routes by
      nonces.add(hex(b.subarray(4)));
    }
    expect(nonces.size).toBe(issued.size);
    expect(conn.stats().peerConnectionIdSequence).toBeGreaterThanOrEqual(4);
  });

  test('a cidGenerator function supplies the server\'s CIDs', async () => {
    let n = 0;
    const gen = (len: number) => { n++; const b = new Uint8Array(len).fill(0xcc); b[len - 1] = n; return b; };
    const { clock, serverConn } = await connected({ server: { cidGenerator: gen } });
    await runUntil(clock, () => false, 200_000);
    expect(serverConn.stats().connectionIdsIssued).toBe(4);
    expect(n).toBe(4);
  });
});
