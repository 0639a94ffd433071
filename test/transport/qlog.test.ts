// qlog (issue 4): the core's packet taps and the host's connection events become one
// JSON-SEQ trace per connection. The checks tie the trace to what really happened:
// event counts equal the core's own counters, the logged STREAM frames cover exactly
// the bytes transferred, and both ends agree on what one sent and the other received.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSim, runUntil, cert } from './sim';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import { qlogDirectory } from '../../host/node-qlog';
import { QuicArgumentError } from '../../host/errors';
import { listen, connect } from '../../host/node';
import type { QuicConnection } from '../../host/transport/connection';

interface QlogEvent { time: number; name: string; data: Record<string, any> }

/** Parses JSON-SEQ (RFC 7464): every record is RS, one JSON text, LF. */
function parseSeq(text: string): { header: Record<string, any>; events: QlogEvent[] } {
  expect(text.startsWith('\x1e')).toBe(true);
  const records = text.split('\x1e').slice(1);
  for (const r of records) expect(r.endsWith('\n')).toBe(true);
  const [header, ...events] = records.map((r) => JSON.parse(r));
  return { header, events };
}

const named = (events: QlogEvent[], name: string) => events.filter((e) => e.name === name);

async function transfer(qlogFormat: 'ietf' | 'qvis', size: number, loss: number) {
  const clientLog = new MemoryQlog();
  const serverLog = new MemoryQlog();
  const { clock, client, server } = makeSim({
    seed: 7,
    aToB: { loss, corrupt: 0.01 },
    bToA: { loss },
    client: { qlog: { sink: clientLog.factory, format: qlogFormat } },
    server: { qlog: { sink: serverLog.factory, format: qlogFormat } },
  });
  let serverConn: QuicConnection | null = null;
  server.accept().then((c) => { serverConn = c; });
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  let ready = false;
  conn.established.then(() => { ready = true; });
  expect(await runUntil(clock, () => ready && serverConn !== null)).toBe(true);

  const payload = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  let received: Uint8Array | null = null;
  serverConn!.acceptStream().then((s) => s.readAll()).then((d) => { received = d; });
  const stream = conn.openStream();
  let finished = false;
  stream.end(payload).then(() => stream.finished).then(() => { finished = true; });
  expect(await runUntil(clock, () => received !== null && finished)).toBe(true);
  expect(Buffer.compare(received!, payload)).toBe(0);

  // Traces are flushed whenever the pump goes idle, so here they match the counters exactly.
  const clientStats = conn.stats();
  const serverStats = serverConn!.stats();
  const snapshot = (log: MemoryQlog) => parseSeq(log.text([...log.traces.keys()][0])).events;
  const atStats = { client: snapshot(clientLog), server: snapshot(serverLog) };
  let closedBoth = 0;
  conn.close(0, 'done').then(() => closedBoth++);
  serverConn!.closed.then(() => closedBoth++);
  expect(await runUntil(clock, () => closedBoth === 2)).toBe(true);

  expect(clientLog.traces.size).toBe(1);
  expect(serverLog.traces.size).toBe(1);
  const [clientKey, clientEntry] = [...clientLog.traces.entries()][0];
  const [serverKey, serverEntry] = [...serverLog.traces.entries()][0];
  return {
    clientKey, serverKey, clientClosed: clientEntry.closed, serverClosed: serverEntry.closed,
    client: parseSeq(clientLog.text(clientKey)), server: parseSeq(serverLog.text(serverKey)),
    clientStats, serverStats, atStats, size, streamId: stream.id,
  };
}

describe('qlog traces', () => {
  test('a lossy transfer is fully and truthfully logged at both ends (draft names)', async () => {
    const r = await transfer('ietf', 300_000, 0.05);
    // One trace per connection end, named by the original DCID, closed with the connection.
    expect(r.clientKey).toMatch(/^[0-9a-f]{16,40}_client$/);
    expect(r.serverKey).toBe(r.clientKey.replace('_client', '_server'));
    expect(r.clientClosed && r.serverClosed).toBe(true);
    expect(r.client.header).toMatchObject({
      file_schema: 'urn:ietf:params:qlog:file:sequential',
      serialization_format: 'application/qlog+json-seq',
      trace: { vantage_point: { type: 'client' }, common_fields: { group_id: r.clientKey.split('_')[0] } },
    });
    expect(r.server.header.trace.vantage_point.type).toBe('server');

    for (const side of [r.client, r.server]) {
      const times = side.events.map((e) => e.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }

    // Packet events match the core's counters taken at the same instant.
    const cSent = named(r.client.events, 'quic:packet_sent');
    const cRecv = named(r.client.events, 'quic:packet_received');
    expect(named(r.atStats.client, 'quic:packet_sent')).toHaveLength(r.clientStats.packetsSent);
    expect(named(r.atStats.client, 'quic:packet_received')).toHaveLength(r.clientStats.packetsReceived);
    expect(named(r.atStats.client, 'quic:packet_lost')).toHaveLength(r.clientStats.packetsLost);
    expect(r.clientStats.packetsLost).toBeGreaterThan(0);
    expect(named(r.atStats.server, 'quic:packet_received')).toHaveLength(r.serverStats.packetsReceived);
    expect(named(r.atStats.server, 'quic:packet_sent')).toHaveLength(r.serverStats.packetsSent);
    // Corrupted datagrams fail authentication at the server: logged as drops.
    const drops = named(r.server.events, 'quic:packet_dropped');
    expect(drops.some((e) => e.data.trigger === 'decryption_failure')).toBe(true);

    // Every packet the server logged as received, the client logged as sent, with the same frames.
    const sentByKey = new Map(cSent.map((e) => [`${e.data.header.packet_type}/${e.data.header.packet_number}`, e]));
    for (const e of named(r.server.events, 'quic:packet_received')) {
      const s = sentByKey.get(`${e.data.header.packet_type}/${e.data.header.packet_number}`);
      expect(s).toBeDefined();
      expect(e.data.frames).toEqual(s!.data.frames.map((f: any) => (f.frame_type === 'ack' ? { ...f, ack_delay: expect.any(Number) } : f)));
      expect(e.data.raw.length).toBe(s!.data.raw.length);
    }

    // The client's STREAM frames cover the whole payload, and the FIN sits at its end.
    const covered = new Uint8Array(r.size);
    let fin = false;
    for (const e of cSent) for (const f of e.data.frames) {
      if (f.frame_type !== 'stream' || f.stream_id !== r.streamId) continue;
      covered.fill(1, f.offset, f.offset + f.raw.length);
      if (f.fin) { fin = true; expect(f.offset + f.raw.length).toBe(r.size); }
    }
    expect(fin).toBe(true);
    expect(covered.every((b) => b === 1)).toBe(true);

    // ACKs name packet ranges; lost packets were really sent.
    const acks = cRecv.flatMap((e) => e.data.frames.filter((f: any) => f.frame_type === 'ack'));
    expect(acks.length).toBeGreaterThan(0);
    expect(acks.every((a: any) => a.acked_ranges.length > 0 && a.ack_delay >= 0)).toBe(true);
    for (const l of named(r.client.events, 'quic:packet_lost')) {
      expect(sentByKey.has(`${l.data.header.packet_type}/${l.data.header.packet_number}`)).toBe(true);
      expect(['reordering_threshold', 'time_threshold']).toContain(l.data.trigger);
    }

    // Recovery metrics: a congestion window and an RTT in ms.
    const metrics = named(r.client.events, 'quic:recovery_metrics_updated');
    expect(metrics.some((m) => m.data.congestion_window > 0)).toBe(true);
    expect(metrics.some((m) => m.data.smoothed_rtt > 0 && m.data.smoothed_rtt < 10_000)).toBe(true);
    // Replaying the updates gives the values the core reports at the same instant.
    const latest: Record<string, number> = {};
    for (const m of named(r.atStats.client, 'quic:recovery_metrics_updated')) Object.assign(latest, m.data);
    expect(latest.congestion_window).toBe(r.clientStats.cwnd);
    expect(latest.bytes_in_flight).toBe(r.clientStats.bytesInFlight);
    expect(latest.smoothed_rtt).toBeCloseTo(r.clientStats.smoothedRttUs / 1000, 6);

    // Transport parameters: what the server set locally is what the client saw as remote.
    const serverLocal = named(r.server.events, 'quic:parameters_set').find((e) => e.data.initiator === 'local')!;
    const clientRemote = named(r.client.events, 'quic:parameters_set').find((e) => e.data.initiator === 'remote')!;
    expect(clientRemote.data.initial_max_data).toBe(serverLocal.data.initial_max_data);
    expect(clientRemote.data.initial_source_connection_id).toBe(serverLocal.data.initial_source_connection_id);

    // States, and how it ended at each side.
    const states = (s: typeof r.client) => named(s.events, 'quic:connection_state_updated').map((e) => e.data.new);
    expect(states(r.client)).toEqual(['attempted', 'handshake_complete', 'handshake_confirmed', 'closing', 'closed']);
    expect(states(r.server)).toEqual(expect.arrayContaining(['attempted', 'handshake_complete', 'draining', 'closed']));
    expect(named(r.client.events, 'quic:connection_closed')[0].data).toMatchObject({ initiator: 'local', application_error: 'unknown', error_code: 0, trigger: 'application' });
    expect(named(r.server.events, 'quic:connection_closed')[0].data).toMatchObject({ initiator: 'remote', trigger: 'application' });
    const close = cSent.flatMap((e) => e.data.frames).find((f: any) => f.frame_type === 'connection_close');
    expect(close).toMatchObject({ error_space: 'application', reason: 'done' });
  });

  test('the qvis format uses the qlog 0.3 header and event names', async () => {
    const r = await transfer('qvis', 20_000, 0);
    expect(r.client.header).toMatchObject({ qlog_version: '0.3', qlog_format: 'JSON-SEQ', trace: { vantage_point: { type: 'client' } } });
    const names = new Set(r.client.events.map((e) => e.name));
    for (const n of ['transport:packet_sent', 'transport:packet_received', 'recovery:metrics_updated', 'transport:parameters_set', 'connectivity:connection_closed']) {
      expect(names).toContain(n);
    }
    expect([...names].every((n) => !n.startsWith('quic:'))).toBe(true);
    const params = r.client.events.find((e) => e.name === 'transport:parameters_set')!;
    expect(params.data.owner).toBe('local');
  });

  test('Node: a qlogDir that cannot be a directory is an argument error at once; missing parents are made; a vanished directory costs the traces, not the connection', async () => {
    const root = mkdtempSync(join(tmpdir(), 'quicwasm-qlogdir-'));
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(() => qlogDirectory(file)).toThrow(QuicArgumentError);
    expect(() => qlogDirectory(join(file, 'below'))).toThrow(/qlogDir ".*below" cannot be used as a directory: ENOTDIR/);
    const nested = join(root, 'one', 'two', 'three');
    const sink = qlogDirectory(nested);
    expect(readdirSync(join(root, 'one', 'two'))).toEqual(['three']);
    rmSync(join(root, 'one'), { recursive: true });
    const gone = sink({ odcid: '00', vantage: 'client' });
    expect(() => { gone.write('x'); gone.close(); }).not.toThrow();
    // Under /proc, mkdir answers ENOENT while the parent exists, and Node's recursive mkdir
    // retries forever inside one synchronous call. In a child with a deadline, so that a
    // regression fails this test instead of freezing the worker.
    const probe = spawnSync(process.execPath, ['--require', join(__dirname, '../../bench/register.cjs'), '-e',
      `try { require(${JSON.stringify(join(__dirname, '../../host/node-qlog.ts'))}).qlogDirectory('/proc/quicwasm-no/such'); console.log('made') } catch (e) { console.log(e.name, e.message) }`],
    { encoding: 'utf8', timeout: 20_000 });
    expect(probe.signal).toBeNull();
    expect(probe.stdout).toMatch(/QuicArgumentError qlogDir "\/proc\/quicwasm-no\/such" cannot be used as a directory: ENOENT/);
  }, 30_000);

  test('a qlog sink factory that throws costs the trace, not the connection', async () => {
    const sim = makeSim({ client: { qlog: { sink: () => { throw new Error('no room for traces'); } } } });
    let server: QuicConnection | null = null;
    sim.server.accept().then((c) => { server = c; }, () => undefined);
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let ok = false;
    client.established.then(() => { ok = true; }, () => undefined);
    expect(await runUntil(sim.clock, () => ok && server !== null)).toBe(true);
  });

  test('Node: qlogDir writes one .sqlog file per connection end over UDP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quicwasm-qlog-'));
    const server = await listen({ alpn: ['qlog'], certificate: cert, qlogDir: dir });
    try {
      const accepted = server.accept();
      const conn = await connect({ alpn: ['qlog'], address: '127.0.0.1', port: server.address.port, serverName: 'localhost', trustAnchors: [cert.chain[0]], qlogDir: dir });
      const serverConn = await accepted;
      const echo = serverConn.acceptStream().then(async (s) => s.end(await s.readAll()));
      const s = conn.openStream();
      await s.end(new TextEncoder().encode('qlog me'));
      expect(new TextDecoder().decode(await s.readAll())).toBe('qlog me');
      await echo;
      await conn.close(0, 'bye');
      await conn.closed; // close() resolves when CONNECTION_CLOSE is sent, closed after the closing period
      await serverConn.closed;
    } finally {
      await server.close();
    }
    // Files are complete as soon as the connections are closed (no async tail to wait for).
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^[0-9a-f]+_client\.sqlog$/);
    expect(files[1]).toBe(files[0].replace('_client', '_server'));
    for (const f of files) {
      const { events } = parseSeq(readFileSync(join(dir, f), 'utf8'));
      expect(named(events, 'quic:packet_sent').length).toBeGreaterThan(2);
      expect(named(events, 'quic:connection_closed')).toHaveLength(1);
      expect(events[events.length - 1]).toMatchObject({ name: 'quic:connection_state_updated', data: { new: 'closed' } });
    }
  });
});
