// Client-initiated migration (RFC 9000 §9.2-§9.5) in the simulator: the client's DgramEnd
// opens a second "socket" (openPath: the server sees it as path 1001), connection.migrate()
// moves there mid-transfer, and the transfer stays byte-exact. Hostile and refused cases:
// before confirmation, no unused server CID, a server with disable_active_migration, a
// new path that never answers (the client goes back and the data still arrives).
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert, watch, type SimOptions } from './sim';
import { Prng } from '../../host/net/prng';
import type { QuicConnection } from '../../host/transport/connection';
import type { PathChange } from '../../host/transport/migration';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function confirmed(opts: SimOptions = {}) {
  const sim = makeSim(opts);
  let serverConn: QuicConnection | null = null;
  sim.server.accept().then((c) => { serverConn = c; });
  const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  expect(await runUntil(sim.clock, () => conn.state === 'confirmed' && serverConn !== null)).toBe(true);
  return { ...sim, conn, serverConn: serverConn! as QuicConnection };
}

/** An echo of `size` bytes; `during(n)` runs as the server reads (n bytes so far). */
async function echo(sim: Awaited<ReturnType<typeof confirmed>>, size: number, seed: number, during: (n: number) => void) {
  const { clock, conn, serverConn } = sim;
  const payload = new Prng(seed).fill(new Uint8Array(size));
  let echoed: Uint8Array | null = null;
  let failure: string | null = null;
  let received = 0;
  serverConn.acceptStream().then(async (s) => {
    for await (const c of s) { received += c.length; during(received); await s.write(c); }
    await s.end();
  }).catch((e) => { failure = `server: ${e.message}`; });
  const st = conn.openStream();
  st.end(payload).catch((e) => { failure = `write: ${e.message}`; });
  st.readAll().then((d) => { echoed = d; }, (e) => { failure = `read: ${e.message}`; });
  const done = await runUntil(clock, () => echoed !== null || failure !== null);
  return { done, failure, same: echoed !== null && sha(echoed) === sha(payload) };
}

describe('client-initiated migration (RFC 9000 §9)', () => {
  test('migrate() mid-transfer: byte-exact, a fresh CID each way, validated, the old socket closed', async () => {
    for (const seed of [1, 2]) {
      const sim = await confirmed({ seed, aToB: { loss: 0.02, delayUs: 5000 }, bToA: { loss: 0.02, delayUs: 5000 } });
      const clientChanges: PathChange[] = [];
      const serverChanges: PathChange[] = [];
      sim.conn.on('pathchange', (e) => clientChanges.push(e));
      sim.serverConn.on('pathchange', (e) => serverChanges.push(e));
      const cidBefore = sim.conn.stats().peerConnectionIdSequence;
      const serverCidBefore = sim.serverConn.stats().peerConnectionIdSequence;
      let move: ReturnType<typeof watch<PathChange>> | null = null;
      const r = await echo(sim, 400_000, seed, (n) => { if (!move && n > 150_000) move = watch(sim.conn.migrate()); });
      expect(r.failure).toBeNull();
      expect(r.same).toBe(true);
      expect(await runUntil(sim.clock, () => move!.done)).toBe(true);
      expect(move!.error).toBeUndefined();
      expect(move!.value).toMatchObject({ path: 1, previous: 0, phase: 'validated', initiator: 'local', reverted: false });
      expect(clientChanges.map((c) => c.phase)).toEqual(['moved', 'validated']);
      // The server followed: it moved to the client's new source (1001) and validated it.
      expect(serverChanges.map((c) => `${c.previous}->${c.path} ${c.initiator}`)).toEqual(['0->1001 peer']);
      const cs = sim.conn.stats();
      expect(cs.ownMigrations).toBe(1);
      expect(cs.ownMigrationsFailed).toBe(0);
      // §9.5: neither end reuses its CID on the new path.
      expect(cs.peerConnectionIdSequence).not.toBe(cidBefore);
      expect(sim.serverConn.stats().peerConnectionIdSequence).not.toBe(serverCidBefore);
      expect(sim.serverConn.stats().migrations).toBe(1);
      // The old socket is released once the new path is validated; the server sends on 1001.
      expect(sim.pair.a.openSockets).toEqual([1]);
      expect(sim.pair.b.bytesSentByPath.get(1001)!).toBeGreaterThan(200_000);
      expect(sim.conn.state).toBe('confirmed');
    }
  });

  test('§9.4: the client starts the new path with a fresh congestion controller and RTT estimator; the PMTU search restarts at 1200', async () => {
    const sim = await confirmed({ seed: 7, aToB: { loss: 0.02, delayUs: 5000, mtu: 1500 }, bToA: { loss: 0.02, delayUs: 5000, mtu: 1500 } });
    const r0 = await echo(sim, 300_000, 7, () => undefined);
    expect(r0.same).toBe(true);
    const before = sim.conn.stats();
    expect(before.congestionEvents).toBeGreaterThan(0);
    expect(before.pathMtu).toBeGreaterThan(1200);
    void sim.conn.migrate();
    await runUntil(sim.clock, () => sim.conn.stats().ownMigrations === 1);
    const after = sim.conn.stats();
    expect(after.congestionEvents).toBe(0);
    expect(after.smoothedRttUs).toBe(333_000);
    expect(after.pathMtu).toBe(1200);
    expect(after.cwnd).toBeLessThanOrEqual(14_720); // the initial window (RFC 9002 §7.2), not the old path's
  });

  test('refused before the handshake is confirmed (§9): ERR_QUIC_NOT_CONFIRMED, nothing opened', async () => {
    const sim = makeSim({ seed: 3 });
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    await expect(conn.migrate()).rejects.toMatchObject({ code: 'ERR_QUIC_NOT_CONFIRMED', name: 'QuicMigrationError' });
    expect(sim.pair.a.openSockets).toEqual([0]);
    expect(await runUntil(sim.clock, () => conn.state === 'confirmed')).toBe(true);
  });

  test('a server never migrates: ERR_QUIC_MIGRATION_UNSUPPORTED', async () => {
    const sim = await confirmed({ seed: 4 });
    await expect(sim.serverConn.migrate()).rejects.toMatchObject({ code: 'ERR_QUIC_MIGRATION_UNSUPPORTED' });
  });

  test('no unused server CID (§9.5): ERR_QUIC_NO_CONNECTION_ID, and a later move once the server sent a new one', async () => {
    // activeConnectionIdLimit 2: the server gives one CID besides the first.
    const sim = await confirmed({ seed: 5, transport: { activeConnectionIdLimit: 2 }, aToB: { delayUs: 20_000 }, bToA: { delayUs: 20_000 } });
    expect(await runUntil(sim.clock, () => sim.conn.stats().peerConnectionIdsHeld === 2)).toBe(true);
    const first = watch(sim.conn.migrate());
    expect(await runUntil(sim.clock, () => first.done)).toBe(true);
    expect(first.error).toBeUndefined();
    // The CID the first move used is now the one in use; the old one is being retired and
    // its replacement is a round trip away.
    await expect(sim.conn.migrate()).rejects.toMatchObject({ code: 'ERR_QUIC_NO_CONNECTION_ID' });
    expect(sim.pair.a.openSockets).toEqual([1]);
    expect(await runUntil(sim.clock, () => sim.conn.stats().peerConnectionIdsHeld === 2)).toBe(true);
    const second = watch(sim.conn.migrate());
    expect(await runUntil(sim.clock, () => second.done)).toBe(true);
    expect(second.error).toBeUndefined();
    expect(sim.pair.a.openSockets).toEqual([2]);
  });

  test('a server that sent disable_active_migration: migrate() refused with ERR_QUIC_MIGRATION_DISABLED; NAT rebinding still followed', async () => {
    const sim = await confirmed({ seed: 6, serverTransport: { disableActiveMigration: true }, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
    await expect(sim.conn.migrate()).rejects.toMatchObject({ code: 'ERR_QUIC_MIGRATION_DISABLED' });
    expect(sim.pair.a.openSockets).toEqual([0]);
    let rebound = false;
    const r = await echo(sim, 200_000, 6, (n) => { if (!rebound && n > 80_000) { rebound = true; sim.pair.a.rebind(5); } });
    expect(r.same).toBe(true);
    expect(sim.serverConn.stats().migrations).toBe(1);
  });

  test('the new path never answers: migrate() rejects with ERR_QUIC_PATH_VALIDATION_FAILED, the client goes back, the data still arrives byte-exact', async () => {
    const sim = await confirmed({ seed: 8, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
    // Everything the client sends from its new socket vanishes (a firewall on that port).
    const send = sim.pair.a.send.bind(sim.pair.a);
    sim.pair.a.send = (d: Uint8Array, p = 0) => { if (p !== 0) return; send(d, p); };
    const changes: string[] = [];
    sim.conn.on('pathchange', (e) => changes.push(e.phase));
    let move: ReturnType<typeof watch<PathChange>> | null = null;
    const r = await echo(sim, 300_000, 8, (n) => { if (!move && n > 100_000) move = watch(sim.conn.migrate()); });
    expect(r.failure).toBeNull();
    expect(r.same).toBe(true);
    expect(await runUntil(sim.clock, () => move!.done)).toBe(true);
    expect(move!.error).toMatchObject({ code: 'ERR_QUIC_PATH_VALIDATION_FAILED' });
    expect(changes).toEqual(['moved', 'reverted']);
    const s = sim.conn.stats();
    expect(s.ownMigrations).toBe(1);
    expect(s.ownMigrationsFailed).toBe(1);
    expect(sim.pair.a.openSockets).toEqual([0]); // the new socket was released
    expect(sim.serverConn.stats().migrations).toBe(0);
  });
});
