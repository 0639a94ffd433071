// Connection events (seed 001 §5): each as a listener and as an awaitable, on the
// simulator. Every one is checked against the state it reports.
import { makeSim, runUntil, pairOf, watch } from '../transport/sim';
import type { ConnectionEvents } from '../../host/transport/connection';



test('established and sessionticket as awaitables', async () => {
  const sim = makeSim();
  const client = sim.client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true });
  const established = watch(client.once('established'));
  const ticket = watch(client.once('sessionticket'));
  expect(await runUntil(sim.clock, () => established.done && ticket.done)).toBe(true);
  expect(established.value).toBe(client.handshakeInfo);
  expect(established.value!.alpn).toBe('test');
  expect(ticket.value).toEqual(await client.sessionTicket);
});

test('stream, streamupdate (finished, reset, stopsending) and streamsavailable', async () => {
  const t = await pairOf({ serverTransport: { initialMaxStreamsBidi: 2 } });
  const opened: number[] = [];
  t.server.on('stream', (s) => opened.push(s.id));
  const updates: { side: string; id: number; state: string; code?: number }[] = [];
  t.client.on('streamupdate', (u) => updates.push({ side: 'client', id: u.stream.id, state: u.state, code: u.code }));
  t.server.on('streamupdate', (u) => updates.push({ side: 'server', id: u.stream.id, state: u.state, code: u.code }));

  const a = t.client.openStream();
  const b = t.client.openStream();
  void a.end('done'); // acknowledged: finished
  await b.write('x');
  const available = watch(t.client.once('streamsavailable'));
  let serverB: any = null;
  const reading = (async () => {
    const sa = await t.server.acceptStream();
    await sa.readAll();
    await sa.end(); // lets the server retire stream a, so the client gets more credit
    serverB = await t.server.acceptStream();
  })();
  expect(await runUntil(t.clock, () => serverB !== null)).toBe(true);
  expect(await runUntil(t.clock, () => available.done)).toBe(true);
  await reading;
  expect(available.value).toEqual({ bidirectional: true });
  serverB.stopSending(12);
  expect(await runUntil(t.clock, () => updates.some((u) => u.state === 'stopsending'))).toBe(true);
  const c = t.client.openStream();
  await c.write('y');
  c.reset(11);
  // The server sees two resets: b's, the client's answer to STOP_SENDING (RFC 9000 §3.5: b is
  // in the Send state), and c's.
  expect(await runUntil(t.clock, () => updates.some((u) => u.side === 'server' && u.id === c.id && u.state === 'reset'))).toBe(true);
  expect(opened).toEqual([a.id, b.id, c.id]);
  expect(updates).toEqual(expect.arrayContaining([
    { side: 'client', id: a.id, state: 'finished', code: undefined },
    { side: 'server', id: c.id, state: 'reset', code: 11 },
    { side: 'client', id: b.id, state: 'stopsending', code: 12 },
    { side: 'server', id: b.id, state: 'reset', code: 12 },
  ]));
});

test('keyupdate once per update on both ends, naming the initiator', async () => {
  const t = await pairOf();
  const seen: string[] = [];
  t.client.on('keyupdate', (k) => seen.push(`client ${k.generation} ${k.initiatedBy}`));
  t.server.on('keyupdate', (k) => seen.push(`server ${k.generation} ${k.initiatedBy}`));
  const s = t.client.openStream();
  void s.write(new Uint8Array(100_000));
  t.client.updateKeys();
  const serverSaw = watch(t.server.once('keyupdate'));
  expect(await runUntil(t.clock, () => serverSaw.done && seen.length >= 2)).toBe(true);
  await runUntil(t.clock, () => false, 200_000);
  expect(seen).toEqual(['client 1 local', 'server 1 peer']);
  expect(t.client.stats().keyUpdates).toBe(1);
});

test('close: both ends, with the code and reason; once() can time out', async () => {
  const t = await pairOf();
  await expect((async () => {
    const w = watch(t.client.once('keyupdate', { timeoutMs: 100 }));
    await runUntil(t.clock, () => w.done);
    if (w.error) throw w.error;
  })()).rejects.toMatchObject({ code: 'ERR_QUIC_TIMEOUT' });
  const closes: Partial<Record<string, ConnectionEvents['close']>> = {};
  t.client.on('close', (c) => { closes.client = c; });
  t.server.on('close', (c) => { closes.server = c; });
  void t.client.close(4, 'over');
  expect(await runUntil(t.clock, () => !!closes.client && !!closes.server)).toBe(true);
  expect(closes.client).toMatchObject({ code: 4, byPeer: false, reasonPhrase: 'over' });
  expect(closes.server).toMatchObject({ code: 4, byPeer: true, reasonPhrase: 'over' });
});
