// One side of the loopback bulk bench (bench/bulk-udp.ts), run as its own process:
//   peer.ts server --cert C --key K [--transport JSON]   prints "LISTENING <port>", then per
//                                                        connection hashes each stream and answers
//                                                        with the hex SHA-256; "CPU <ms>" on SIGTERM
//   peer.ts client --port P --ca C --bytes N [--transport JSON]
//                                                        uploads N bytes on one stream, checks the
//                                                        server's hash, prints "RESULT {json}"
// `--transport` is listen()/connect()'s transport object (e.g. {"pmtud":false}); `--suite`
// one cipher suite; `--no-batch` services the core per datagram (the pump's old way);
// `--reads chunks` makes the server read with read() (a fresh buffer per read) instead of
// readInto() one reused buffer; BENCH_WRITE=N sets the client's write size (default
// 65,536 bytes). BENCH_TRACE=FILE writes the client's view after every write (ms since the
// first write, stream bytes sent, cwnd, ssthresh, path MTU, smoothed and minimum RTT, losses):
// how the window, the PMTU search and the RTT estimate ramp up.
// `--profile FILE` writes a V8 CPU profile of the transfer only (the client from its first
// write to the server's answer, the server from its first stream to SIGTERM).
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { profileWindow } from '../profile-window';
import { listen, connect } from '../../host/node';
import { parsePemCertificates, parsePemPrivateKey } from '../../host/tls/pki/pem';
import type { TransportConfig } from '../../host/transport/create';
import type { CipherSuiteName } from '../../host/api/options';
import { CorePump } from '../../host/transport/pump';
import { hashStream, defaultReads, type ReadStyle } from '../upload';

const ALPN = 'bench-bulk';
const argv = process.argv.slice(2);
const role = argv[0];
const arg = (name: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const transport: TransportConfig = JSON.parse(arg('transport') ?? '{}');
// --suite NAME: the one cipher suite to offer (client) or accept (server).
const cipherSuites = arg('suite') ? [arg('suite') as CipherSuiteName] : undefined;
// --no-batch: service the core after every datagram (CorePump.batchReceives off), to compare.
if (argv.includes('--no-batch')) CorePump.batchReceives = false;
const reads = (arg('reads') ?? defaultReads) as ReadStyle;
const profileFile = arg('profile');
const profile = profileWindow(profileFile);
const startProfile = () => profile.start();
const stopProfile = () => profile.stop();
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function server(): Promise<void> {
  const certificate = { chain: parsePemCertificates(readFileSync(arg('cert')!, 'utf8')), key: parsePemPrivateKey(readFileSync(arg('key')!, 'utf8')) };
  const srv = await listen({ address: '127.0.0.1', port: 0, alpn: [ALPN], certificate, transport, cipherSuites });
  console.log(`LISTENING ${srv.address.port}`);
  process.on('SIGTERM', () => { console.log(`CPU ${cpuMs().toFixed(0)}`); stopProfile().finally(() => process.exit(0)); });
  for await (const conn of srv) {
    (async () => {
      for (;;) {
        const s = await conn.acceptStream();
        await startProfile();
        await s.end(new TextEncoder().encode(await hashStream(s, reads)));
      }
    })().catch(() => undefined);
  }
}

async function client(): Promise<void> {
  const bytes = Number(arg('bytes'));
  const data = new Uint8Array(bytes);
  for (let o = 0; o < bytes; o += 65536) randomFillSync(data, o, Math.min(65536, bytes - o));
  const want = createHash('sha256').update(data).digest('hex');
  const conn = await connect({
    address: '127.0.0.1', port: Number(arg('port')), alpn: [ALPN], serverName: 'localhost',
    trustAnchors: parsePemCertificates(readFileSync(arg('ca')!, 'utf8')), transport, cipherSuites,
  });
  await startProfile();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const s = conn.openStream();
  const reply = s.readAll();
  const W = Number(process.env.BENCH_WRITE ?? 65536);
  const trace = process.env.BENCH_TRACE ? ['ms sent cwnd ssthresh mtu srttUs minRttUs lost'] : null;
  for (let o = 0; o < bytes; o += W) {
    await s.write(data.subarray(o, Math.min(bytes, o + W)));
    if (!trace) continue;
    const x = conn.stats();
    trace.push(`${(performance.now() - t0).toFixed(2)} ${x.streamBytesSent} ${x.cwnd} ${x.ssthresh} ${x.pathMtu} ${x.smoothedRttUs.toFixed(0)} ${x.minRttUs.toFixed(0)} ${x.packetsLost}`);
  }
  await s.end();
  if (trace) writeFileSync(process.env.BENCH_TRACE!, trace.join('\n') + '\n');
  const got = new TextDecoder().decode(await reply);
  const ms = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  const st = conn.stats();
  await stopProfile();
  console.log(`RESULT ${JSON.stringify({ ok: got === want, ms, cpuMs: cpu, stats: st, suite: conn.handshakeInfo?.cipherSuite })}`);
  await conn.close(0, 'done');
  process.exit(0);
}

(role === 'server' ? server() : client()).catch((e) => { console.error(`[${role}] ${e?.stack ?? e}`); process.exit(1); });
