// Seed 000's network modes through the public API: ManualNetwork (the application moves
// datagrams, addressed or not), ManualClock (the application drives time), and the CID
// routing that mt/prefork servers use (cidRouting on the server, cidOwner in the router).
import { createClientEndpoint, createServerEndpoint, ManualClock, ManualNetwork, cidOwner, QuicError, generateSelfSigned, type OutgoingDatagram } from '../../host/index';
import { loadCoreModule } from '../../host/node';

const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
const SERVER = { address: '192.0.2.1', port: 443 };
const CLIENT = { address: '198.51.100.7', port: 50000 };

/** A client and a server, each on a ManualNetwork with a ManualClock on one virtual timeline. */
function appDriven(serverExtra: object = {}) {
  let now = 1_000_000;
  const clock = new ManualClock(() => now);
  const serverNet = new ManualNetwork();
  const clientNet = new ManualNetwork();
  const coreModule = loadCoreModule();
  const server = createServerEndpoint({ coreModule, network: serverNet, clock, certificate, tls: { alpn: ['t'] }, ...serverExtra });
  const client = createClientEndpoint({ coreModule, network: clientNet, clock, tls: { alpn: ['t'] } });
  const sent: { toServer: OutgoingDatagram[]; toClient: OutgoingDatagram[] } = { toServer: [], toClient: [] };
  /** The application's loop: move datagrams, handle time; advance the virtual time when idle. */
  async function step(): Promise<void> {
    await new Promise((r) => setImmediate(r)); // let promise continuations (stream writes) run
    const up = clientNet.takeDatagrams();
    const down = serverNet.takeDatagrams();
    sent.toServer.push(...up);
    sent.toClient.push(...down);
    for (const d of up) serverNet.receiveDatagram(d.data, CLIENT);
    for (const d of down) clientNet.receiveDatagram(d.data, SERVER);
    if (!up.length && !down.length && clientNet.queued + serverNet.queued === 0) {
      const next = clock.nextTimeout();
      if (next !== Infinity) now = Math.max(now, next);
    }
    clock.handleTimeout();
  }
  async function until(done: () => boolean, max = 5000): Promise<boolean> {
    for (let i = 0; i < max && !done(); i++) await step();
    return done();
  }
  return { clock, serverNet, clientNet, server, client, sent, until, path: clientNet.pathTo(SERVER) };
}

test('non-pollable, addressed: the application moves every datagram and all time; the endpoints arm no real timer', async () => {
  const timeouts = jest.spyOn(globalThis, 'setTimeout');
  const t = appDriven();
  const conn = t.client.connectTo(t.path, { serverName: 'localhost', trustAnchors: certificate.chain });
  let established = false;
  conn.established.then(() => { established = true; });
  expect(t.clientNet.queued).toBeGreaterThan(0); // the client Initial waits for the application
  expect(await t.until(() => established)).toBe(true);
  // Every datagram went to the address the application gave for the peer.
  expect(t.sent.toClient.every((d) => d.to!.address === CLIENT.address && d.to!.port === CLIENT.port)).toBe(true);
  expect(t.sent.toServer.every((d) => d.to!.address === SERVER.address && d.to!.port === SERVER.port)).toBe(true);

  let echoed: Uint8Array | null = null;
  void t.server.accept().then(async (sc) => { const s = await sc.acceptStream(); await s.end(await s.readAll()); });
  const payload = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
  const s = conn.openStream();
  void s.end(payload);
  void s.readAll().then((b) => { echoed = b; });
  expect(await t.until(() => echoed !== null)).toBe(true);
  expect(Buffer.from(echoed!).equals(Buffer.from(payload))).toBe(true);
  expect(timeouts).not.toHaveBeenCalled();
  timeouts.mockRestore();
  const closing = Promise.all([t.client.close(), t.server.close()]);
  let closed = false;
  void closing.then(() => { closed = true; });
  expect(await t.until(() => closed)).toBe(true);
});

test('unaddressed: no addresses in or out, one peer at the other end', async () => {
  const net = new ManualNetwork({ addressed: false });
  expect(net.pathTo(SERVER)).toBe(0);
  let now = 0;
  const clock = new ManualClock(() => now);
  const client = createClientEndpoint({ coreModule: loadCoreModule(), network: net, clock, tls: { alpn: ['t'] } });
  client.connectTo(0, { serverName: 'localhost', trustAnchors: certificate.chain });
  const out = net.takeDatagrams();
  expect(out.length).toBeGreaterThan(0);
  expect(out[0].to).toBeNull();
  expect(out[0].data.length).toBeGreaterThanOrEqual(1200); // a client Initial is padded (RFC 9000 §14.1)
  net.receiveDatagram(new Uint8Array(1200)); // junk without an address: dropped, no throw
  // Closing needs time to pass (the closing period): the application moves it.
  let closed = false;
  void client.close().then(() => { closed = true; });
  for (let i = 0; i < 100 && !closed; i++) {
    await new Promise((r) => setImmediate(r));
    net.takeDatagrams();
    now = Math.max(now, clock.nextTimeout() === Infinity ? now : clock.nextTimeout());
    clock.handleTimeout();
  }
  expect(closed).toBe(true);
});

test('push mode, the queued hook and the full queue', () => {
  const net = new ManualNetwork({ maxQueued: 2 });
  const path = net.pathTo(SERVER);
  let woken = 0;
  net.onQueued(() => woken++);
  for (let i = 0; i < 4; i++) net.send(new Uint8Array([i]), path);
  expect(woken).toBe(1); // once, when the empty queue got its first datagram
  expect(net.queued).toBe(2);
  expect(net.dropped).toBe(2);
  const pushed: number[] = [];
  net.onDatagram((d) => pushed.push(d.data[0]));
  expect(pushed).toEqual([0, 1]); // what was queued comes first
  net.send(new Uint8Array([9]), path);
  expect(pushed).toEqual([0, 1, 9]);
  expect(net.queued).toBe(0);
});

test('bad input is a typed error naming what is wrong', () => {
  const net = new ManualNetwork();
  const code = (fn: () => unknown) => { try { fn(); } catch (err) { return [(err as QuicError).code, (err as Error).message]; } return null; };
  expect(code(() => net.receiveDatagram('hello' as never, CLIENT))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('Uint8Array')]);
  expect(code(() => net.receiveDatagram(new Uint8Array(10)))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('{ address, port }')]);
  expect(code(() => net.receiveDatagram(new Uint8Array(10), { address: '::1', port: 70000 }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.any(String)]);
  expect(code(() => new ManualNetwork({ maxDatagramSize: 100 }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('maxDatagramSize')]);
  expect(code(() => new ManualClock(5 as never))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.any(String)]);
  expect(code(() => cidOwner(new Uint8Array(20), { workers: 0 }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('workers')]);
  expect(code(() => cidOwner(new Uint8Array(20), { workers: 2, cidLength: 16 }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('cidLength')]);
  const coreModule = loadCoreModule();
  expect(code(() => createServerEndpoint({ coreModule, network: new ManualNetwork(), certificate, tls: { alpn: ['t'] }, cidRouting: { workerId: 300 } }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('workerId')]);
  expect(code(() => createServerEndpoint({ coreModule, network: new ManualNetwork(), certificate, tls: { alpn: ['t'] }, cidRouting: { workerId: 1 }, localCidLength: 8 }))).toEqual(['ERR_QUIC_INVALID_ARGUMENT', expect.stringContaining('disagree')]);
});

test('cidRouting: every CID the server issues carries its worker id, and cidOwner routes by it', async () => {
  const t = appDriven({ cidRouting: { workerId: 5 } });
  const conn = t.client.connectTo(t.path, { serverName: 'localhost', trustAnchors: certificate.chain });
  let established = false;
  conn.established.then(() => { established = true; });
  expect(await t.until(() => established)).toBe(true);
  let done = false;
  void t.server.accept().then(async (sc) => { const s = await sc.acceptStream(); await s.end(await s.readAll()); });
  const s = conn.openStream();
  void s.end(new Uint8Array(5000));
  void s.readAll().then(() => { done = true; });
  expect(await t.until(() => done)).toBe(true);

  // The server's long headers: SCID length 12, first byte 5 (RFC 9000 §17.2: DCID len at 5, then SCID len).
  const serverScids = t.sent.toClient.filter((d) => d.data[0] & 0x80).map((d) => d.data.subarray(7 + d.data[5] + 0, 7 + d.data[5] + d.data[6 + d.data[5]]));
  expect(serverScids.length).toBeGreaterThan(0);
  for (const scid of serverScids) { expect(scid.length).toBe(12); expect(scid[0]).toBe(5); }
  // Everything the client sent after its first Initials (short headers: 1-RTT) routes to worker 5 of 8.
  const short = t.sent.toServer.filter((d) => !(d.data[0] & 0x80));
  expect(short.length).toBeGreaterThan(0);
  for (const d of short) expect(cidOwner(d.data, { workers: 8 })).toBe(5);
  // The client's first Initial (a CID it chose) goes to one worker, the same every time.
  const first = t.sent.toServer[0].data;
  const owner = cidOwner(first, { workers: 8 });
  expect(owner).toBeGreaterThanOrEqual(0);
  expect(owner).toBeLessThan(8);
  expect(cidOwner(first.slice(), { workers: 8 })).toBe(owner);
  expect(cidOwner(new Uint8Array([0x40, 1, 2]), { workers: 8 })).toBe(-1); // too short for a 12-byte DCID
  const closing = Promise.all([t.client.close(), t.server.close()]);
  let closed = false;
  void closing.then(() => { closed = true; });
  expect(await t.until(() => closed)).toBe(true);
});
