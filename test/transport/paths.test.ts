// Paths (RFC 9000 §8.2, §9.3): the server follows a client whose NAT rebinds mid-transfer
// (the simulator's DgramEnd.rebind: the client's datagrams arrive from a new path, and
// the old one no longer reaches it), validates the new path with PATH_CHALLENGE under the
// 3× amplification limit, and is not moved for good by a spoofed copy of a client packet.
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert, connectedSim as connected, type SimOptions } from './sim';
import { Prng } from '../../host/net/prng';
import type { QuicConnection } from '../../host/transport/connection';
import { RogueClient } from './rogue';
import { Suite } from '../../host/crypto/suites';
import { MemoryQlog } from '../../host/transport/qlog/sink';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * An echo of `size` bytes; `during(receivedByServer)` runs as the server reads, so a test
 * can rebind or inject mid-transfer. Resolves to the echoed bytes' hash or a failure.
 */
async function echoTransfer(sim: Awaited<ReturnType<typeof connected>>, size: number, seed: number, during: (n: number) => void, eachStep: () => void = () => undefined) {
  const { clock, conn, serverConn } = sim;
  const payload = new Prng(seed).fill(new Uint8Array(size));
  let echoed: Uint8Array | null = null;
  let failure: string | null = null;
  let received = 0;
  serverConn.acceptStream().then(async (s) => {
    for await (const c of s) {
      received += c.length;
      during(received);
      await s.write(c);
    }
    await s.end();
  }).catch((e) => { failure = `server: ${e.message}`; });
  const st = conn.openStream();
  st.end(payload).catch((e) => { failure = `write: ${e.message}`; });
  st.readAll().then((d) => { echoed = d; }, (e) => { failure = `read: ${e.message}`; });
  const done = await runUntil(clock, () => { eachStep(); return echoed !== null || failure !== null; });
  return { done, failure, same: echoed !== null && sha(echoed) === sha(payload) };
}

describe('paths: NAT rebinding on the server (RFC 9000 §9.3)', () => {
  test('the client rebinds mid-transfer: the transfer is byte-exact, the server validates the new path and sends there', async () => {
    for (const seed of [1, 2]) {
      const sim = await connected({ seed, aToB: { loss: 0.02, delayUs: 5000 }, bToA: { loss: 0.02, delayUs: 5000 } });
      let rebound = false;
      const changes: string[] = [];
      sim.serverConn.on('pathchange', (e) => changes.push(`${e.previous}->${e.path}${e.reverted ? ' reverted' : ''}`));
      const r = await echoTransfer(sim, 400_000, seed, (n) => {
        if (!rebound && n > 150_000) { rebound = true; sim.pair.a.rebind(5); }
      });
      expect(r.failure).toBeNull();
      expect(r.done).toBe(true);
      expect(r.same).toBe(true);
      expect(rebound).toBe(true);
      const s = sim.serverConn.stats();
      expect(s.migrations).toBe(1);
      expect(changes).toEqual(['0->5']);
      // §9.3: a NEW_TOKEN for the new address after validating it (the first came with the handshake).
      expect(sim.server.stats.newTokensSent).toBe(2);
      expect(s.pathChallengesSent).toBeGreaterThanOrEqual(1); // PATH_CHALLENGE on the new path
      expect(s.pathsValidated).toBeGreaterThanOrEqual(1); // its PATH_RESPONSE came back
      // After the move the server sends on path 5; what it sent to the dead binding (0) is small.
      const b = sim.pair.b.bytesSentByPath;
      expect(b.get(5)!).toBeGreaterThan(200_000);
      expect(sim.serverConn.state).not.toBe('closed');
    }
  });

  test('congestion and RTT state: reset when the new path is validated if the address changed, kept for a port-only change (§9.4)', async () => {
    for (const addressChange of [false, true]) {
      const sim = await connected({ seed: 5, aToB: { loss: 0.02, delayUs: 5000 }, bToA: { loss: 0.02, delayUs: 5000 } });
      sim.pair.b.addresses.set(0, Uint8Array.of(10, 0, 0, 1));
      sim.pair.b.addresses.set(6, addressChange ? Uint8Array.of(10, 0, 0, 2) : Uint8Array.of(10, 0, 0, 1));
      let rebound = false;
      let eventsBefore = -1;
      let atValidation: { congestionEvents: number; smoothedRttUs: number } | null = null;
      const r = await echoTransfer(sim, 400_000, 5, (n) => {
        if (!rebound && n > 150_000) { rebound = true; eventsBefore = sim.serverConn.stats().congestionEvents; sim.pair.a.rebind(6); }
      }, () => {
        const s = sim.serverConn.stats();
        if (!atValidation && s.pathsValidated >= 1) atValidation = { congestionEvents: s.congestionEvents, smoothedRttUs: s.smoothedRttUs };
      });
      expect(r.same).toBe(true);
      expect(eventsBefore).toBeGreaterThan(0); // 2% loss: the controller had reacted before the move
      expect(atValidation).not.toBeNull();
      if (addressChange) {
        expect(atValidation!.congestionEvents).toBe(0); // a fresh controller
        expect(atValidation!.smoothedRttUs).toBe(333_000); // kInitialRtt (RFC 9002 §6.2.2), in µs
      } else {
        expect(atValidation!.congestionEvents).toBeGreaterThanOrEqual(eventsBefore);
        expect(atValidation!.smoothedRttUs).toBeLessThan(100_000);
      }
    }
  });

  test('a client packet replayed from another address does not move the connection; the data stays byte-exact', async () => {
    const sim = await connected({ seed: 3, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
    // Keep copies of the client's 1-RTT datagrams as the server receives them, to replay
    // them from path 9 afterwards (duplicates: §9.3.2, only a higher packet number moves).
    const copies: Uint8Array[] = [];
    const deliver = sim.pair.b.deliver.bind(sim.pair.b);
    sim.pair.b.deliver = (d: Uint8Array, p = 0) => { if ((d[0] & 0x80) === 0 && p === 0) copies.push(d.slice()); deliver(d, p); };
    let injected = 0;
    const r = await echoTransfer(sim, 300_000, 3, (n) => {
      if (n > 100_000 && injected < 5 && copies.length) { sim.pair.b.inject(copies[copies.length - 1], 9); injected++; }
    });
    expect(r.failure).toBeNull();
    expect(r.same).toBe(true);
    expect(injected).toBe(5);
    const b = sim.pair.b.bytesSentByPath;
    expect(b.get(9) ?? 0).toBe(0); // a duplicate moves nothing and draws nothing
    expect(sim.serverConn.stats().migrations).toBe(0);
  });

  test('an attacker\'s copy that races ahead moves the server only until the genuine path wins again; ≤ 3× toward the spoofed address', async () => {
    const sim = await connected({ seed: 4, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 } });
    const { pair } = sim;
    // The on-path attacker (§9.3.3): a copy of a client datagram delivered from path 7
    // at once, before the original (10 ms later).
    let attacks = 0;
    let bytesFromSpoof = 0;
    const send = pair.a.send.bind(pair.a);
    pair.a.send = (d: Uint8Array, p: number) => {
      send(d, p);
      if (armed && attacks < 1 && (d[0] & 0x80) === 0) { attacks++; bytesFromSpoof += d.length; pair.b.inject(d, 7); }
    };
    let armed = false;
    const r = await echoTransfer(sim, 300_000, 4, (n) => { if (n > 100_000) armed = true; });
    expect(r.failure).toBeNull();
    expect(r.same).toBe(true);
    expect(attacks).toBe(1);
    // Let the validation of the spoofed path time out.
    await runUntil(sim.clock, () => false, 5_000_000);
    const s = sim.serverConn.stats();
    expect(s.migrations).toBeGreaterThanOrEqual(2); // moved to 7, and back
    expect(s.pathChallengesSent).toBeGreaterThanOrEqual(1);
    // §9.3 / §8.1: toward the unvalidated spoofed address at most 3× what came from it.
    const toSpoof = pair.b.bytesSentByPath.get(7) ?? 0;
    expect(toSpoof).toBeGreaterThan(0);
    expect(toSpoof).toBeLessThanOrEqual(3 * bytesFromSpoof);
    // And the connection is back on the genuine path: what it sends now reaches the client.
    const before = pair.b.bytesSentByPath.get(0) ?? 0;
    const st = sim.conn.openStream();
    let got: Uint8Array | null = null;
    sim.serverConn.acceptStream().then(async (s2) => { const d = await s2.readAll(); await s2.end(d); });
    st.end(new Uint8Array(5000).fill(1));
    st.readAll().then((d) => { got = d; });
    expect(await runUntil(sim.clock, () => got !== null, 5_000_000)).toBe(true);
    expect(got!.length).toBe(5000);
    expect((pair.b.bytesSentByPath.get(0) ?? 0)).toBeGreaterThan(before);
  });
});

describe('paths: a rebinding on a path with a large PMTU (RFC 9000 §8.1, §14.3)', () => {
  test('one small request from the new port: the server challenges it within 3× and sends no PMTU probe there first; the answer is byte-exact', async () => {
    // The ngtcp2 --nat-rebinding case: the client's only datagram from its new port is a
    // 75-byte request. A 9000-byte PMTU probe to the unvalidated port used to put the
    // server's 3× budget in debt, so its PATH_CHALLENGE never went and the transfer stalled.
    const sim = await connected({ seed: 7, aToB: { delayUs: 2000, mtu: 9000 }, bToA: { delayUs: 2000, mtu: 9000 } });
    await runUntil(sim.clock, () => false, 3_000_000); // the PMTU search settles on the first path
    expect(sim.serverConn.stats().pathMtu).toBeGreaterThan(1200);
    let fromNew = 0;
    let sentBeforeValidation = -1;
    const deliver = sim.pair.b.deliver.bind(sim.pair.b);
    sim.pair.b.deliver = (d: Uint8Array, p = 0) => { if (p === 5) fromNew += d.length; deliver(d, p); };
    sim.pair.a.rebind(5);
    const body = new Prng(7).fill(new Uint8Array(200_000));
    sim.serverConn.acceptStream().then(async (s) => { await s.readAll(); await s.end(body); });
    const st = sim.conn.openStream();
    st.end(new Uint8Array(20).fill(3));
    let got: Uint8Array | null = null;
    st.readAll().then((d) => { got = d; });
    const done = await runUntil(sim.clock, () => {
      if (sentBeforeValidation < 0 && sim.serverConn.stats().pathsValidated >= 1) sentBeforeValidation = sim.pair.b.bytesSentByPath.get(5) ?? 0;
      if (sentBeforeValidation < 0) expect(sim.pair.b.bytesSentByPath.get(5) ?? 0).toBeLessThanOrEqual(3 * fromNew);
      return got !== null;
    }, 10_000_000);
    expect(done).toBe(true);
    expect(sha(got!)).toBe(sha(body));
    expect(sentBeforeValidation).toBeGreaterThan(0);
    expect(sim.serverConn.stats().migrations).toBe(1);
  });
});

describe('paths: PATH_CHALLENGE / PATH_RESPONSE (RFC 9000 §8.2)', () => {
  test('a flood of PATH_CHALLENGE frames draws one PATH_RESPONSE with the latest data: bounded state, no close', async () => {
    let rogue: RogueClient | null = null;
    const log = new MemoryQlog();
    const sim = makeSim({
      client: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm], keyLog: (l: string) => rogue?.keyLog(l) } },
      server: { qlog: { sink: log.factory } },
    });
    rogue = new RogueClient(sim.pair);
    let serverConn: QuicConnection | null = null;
    sim.server.accept().then((c) => { serverConn = c; });
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    expect(await runUntil(sim.clock, () => conn.handshakeInfo !== null && serverConn !== null)).toBe(true);
    await runUntil(sim.clock, () => false, 100_000);
    // The real client would close on the server's ACK of the forged packet number.
    sim.pair.b.send = () => undefined;
    const challenges: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) challenges.push(Uint8Array.from([0x1a, 1, 2, 3, 4, 5, 6, 7, i]));
    rogue!.inject(...challenges);
    await runUntil(sim.clock, () => false, 200_000);
    const responses: string[] = [];
    for (const t of log.traces.values()) for (const r of t.records) {
      const ev = JSON.parse(r.slice(1));
      if (!String(ev.name).endsWith('packet_sent')) continue;
      for (const f of ev.data?.frames ?? []) if (f.frame_type === 'path_response') responses.push(f.data);
    }
    expect(responses).toEqual(['0102030405060763']); // one response, the 100th challenge's data
    expect(serverConn!.state).not.toBe('closed');
  });
});
