// Handshakes per second on one server process, with latency percentiles: quicwasm client
// against quicwasm server, one connection at a time, each measured from connect to
// `established` on the client. Two settings:
//   memory  both endpoints in this process over a DgramPair on a virtual clock stepped as
//           fast as the work allows: the figure is the CPU cost of both ends of a handshake
//   udp     listen() and connect() from host/node.ts over loopback: connect() makes its
//           own socket and endpoint each time, as an application would
// each with resumption off (full handshake: x25519 + ECDSA P-256 certificate,
// CertificateVerify, chain verification) and on (a session ticket: PSK with (EC)DHE).
// The handshake crypto runs once on @noble/curves (the portable seam, the baseline: what
// every runtime did before) and once on node:crypto, interleaved round by round in the
// same run. Packet protection is node:crypto in both.
//   server  the target's own measure (issue 19: ≥ 1,000 handshakes/s on one server process):
//           listen() here, the clients in child processes over loopback UDP, several
//           connect() loops each; CPU ms is this (server) process's alone, and
//           1000 / CPU ms is what one core of server could complete. node:crypto only.
//   npx tsx bench/handshake.ts [--quick] [--only=memory|udp|server]
//   node --import tsx --cpu-prof bench/handshake.ts --profile=memory|udp|server   (one setting, node:crypto; HS_N, HS_RESUME=1;
//   PROFILE=file.cpuprofile profiles the measured round alone)
// CPU ms: this process's CPU time per handshake (both ends in memory; in udp, client and
// server also share this process).

import { profileWindow } from './profile-window';
import { readFileSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { setHandshakeCrypto, type HandshakeCrypto } from '../host/tls/handshake-crypto';
import { portableHandshakeCrypto } from '../host/tls/handshake-portable';
import { listen, connect } from '../host/node';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';
import type { SessionTicket } from '../host/tls/engine';
import type { QuicConnection } from '../host/transport/connection';
import type { HandshakeInfo } from '../host/tls/types';
import { cpuUs, report, type BenchRow } from './lib';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 3;
const PER_ROUND = { memory: quick ? 40 : 100, udp: quick ? 25 : 60 };
const SEAMS: [string, HandshakeCrypto][] = [['portable (@noble)', portableHandshakeCrypto], ['node:crypto', nodeHandshakeCrypto]];
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
const ALPN = ['bench'];

interface Sample { latMs: number[]; wallMs: number; cpuMs: number; n: number; resumed: number }

/** Steps a virtual clock until `done`, letting promise callbacks run between steps. */
async function drive(clock: VirtualClock, done: () => boolean): Promise<void> {
  while (!done()) {
    await new Promise((r) => setImmediate(r));
    const next = clock.nextDeadline();
    if (next === Infinity) continue;
    clock.advanceTo(next);
  }
}

/**
 * Both endpoints in this process; `n` sequential handshakes. A virtual clock, stepped as
 * fast as the work allows: on a real clock every in-memory datagram hop would wait for a
 * setTimeout (≥ 1 ms in Node), and the figure would measure timer granularity.
 */
async function memoryRound(n: number, resume: boolean): Promise<Sample> {
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 1 });
  const server = createServerEndpoint({ coreModule: module, network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ALPN }, sessionTickets: resume });
  const client = createClientEndpoint({ coreModule: module, network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ALPN } });
  const accepted: QuicConnection[] = [];
  (async () => { for (;;) { try { accepted.push(await server.accept()); } catch { return; } } })();
  const s: Sample = { latMs: [], wallMs: 0, cpuMs: 0, n, resumed: 0 };
  const handshake = async (ticket: SessionTicket | null) => {
    const c = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket ?? undefined });
    let info: HandshakeInfo | null = null, failed: unknown = null;
    c.established.then((i) => { info = i; }, (e) => { failed = e; });
    await drive(clock, () => info !== null || failed !== null);
    if (failed) throw failed;
    return { c, info: info! as HandshakeInfo };
  };
  let ticket: SessionTicket | null = null;
  if (resume) {
    const { c } = await handshake(null);
    let t: SessionTicket | null | undefined;
    c.sessionTicket.then((x) => { t = x; });
    await drive(clock, () => t !== undefined);
    ticket = t ?? null;
    if (!ticket) throw new Error('no session ticket');
    c.close(0, 'bench').catch(() => undefined);
  }
  const t0 = performance.now(), c0 = cpuUs();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    const { c, info } = await handshake(ticket);
    s.latMs.push(performance.now() - a);
    if (info.resumed) s.resumed++;
    c.close(0, 'bench').catch(() => undefined);
  }
  s.wallMs = performance.now() - t0;
  s.cpuMs = (cpuUs() - c0) / 1000;
  for (const c of accepted) c.close(0, 'bench').catch(() => undefined);
  let done = false;
  Promise.all([client.close(), server.close()]).then(() => { done = true; }, () => { done = true; });
  await drive(clock, () => done);
  return s;
}

/** listen() once, then `n` sequential connect() calls over loopback UDP. */
async function udpRound(n: number, resume: boolean): Promise<Sample> {
  const server = await listen({ alpn: ALPN, certificate: cert, sessionTickets: resume });
  (async () => { for await (const c of server) c.closed.catch(() => undefined); })();
  const opts = { alpn: ALPN, address: '127.0.0.1', port: server.address.port, serverName: 'localhost', trustAnchors: [cert.chain[0]] };
  let ticket: SessionTicket | null = null;
  if (resume) {
    const first = await connect(opts);
    ticket = await first.sessionTicket;
    if (!ticket) throw new Error('no session ticket');
    await first.close(0, 'bench');
  }
  const s: Sample = { latMs: [], wallMs: 0, cpuMs: 0, n, resumed: 0 };
  const closing: Promise<unknown>[] = [];
  const t0 = performance.now(), c0 = cpuUs();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    const c = await connect({ ...opts, session: ticket ?? undefined });
    s.latMs.push(performance.now() - a);
    if ((await c.established).resumed) s.resumed++;
    closing.push(c.close(0, 'bench').catch(() => undefined));
  }
  s.wallMs = performance.now() - t0;
  s.cpuMs = (cpuUs() - c0) / 1000;
  await Promise.all(closing);
  await server.close();
  return s;
}

/** What a client child reports: its connect() latencies. */
interface ClientReport { latMs: number[]; failed: number; retried: number }

/**
 * A client child (--client-worker=PORT:N:PARALLEL): warms up, says 'ready', waits for 'go',
 * then runs N connect() calls in PARALLEL loops and reports the latencies. Each connection
 * closes without waiting (graceful: false): the server's work per handshake is measured,
 * not the closing period.
 */
async function clientWorker(arg: string): Promise<void> {
  const [port, n, parallel] = arg.split(':').map(Number);
  setHandshakeCrypto(nodeHandshakeCrypto);
  // The parent's certificate (each process generates its own `cert`).
  const anchor = new Uint8Array(Buffer.from(process.env.HS_ANCHOR!, 'base64'));
  const opts = { alpn: ALPN, address: '127.0.0.1', port, serverName: 'localhost', trustAnchors: [anchor] };
  for (let i = 0; i < 3; i++) (await connect(opts)).close(0, 'warm-up', { graceful: false }).catch(() => undefined);
  await new Promise<void>((resolve) => { process.once('message', () => resolve()); process.send!('ready'); });
  const r: ClientReport = { latMs: [], failed: 0, retried: 0 };
  let left = n;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (left-- > 0) {
      const a = performance.now();
      try {
        const c = await connect(opts);
        r.latMs.push(performance.now() - a);
        if (c.stats().retriesReceived > 0) r.retried++;
        c.close(0, 'bench', { graceful: false }).catch(() => undefined);
      } catch {
        r.failed++;
      }
    }
  }));
  process.send!(r);
}

/**
 * listen() here; `children` client processes with `parallel` connect() loops each, `n`
 * handshakes in all. The clock and this process's CPU run from 'go' until every child reported.
 */
async function serverRound(n: number, children: number, parallel: number): Promise<Sample> {
  // retry 'never': every client here shares one source address, whose share of the
  // half-open table would otherwise send half of them through a Retry (an extra round
  // trip and Initial the target is not about: 1,000 handshakes/s come from many addresses).
  const server = await listen({ alpn: ALPN, certificate: cert, sessionTickets: false, retry: 'never' });
  (async () => { for await (const c of server) c.closed.catch(() => undefined); })();
  const per = Math.ceil(n / children);
  const kids: ChildProcess[] = [];
  const reports: Promise<ClientReport>[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < children; i++) {
    const k = fork(__filename, [`--client-worker=${server.address.port}:${per}:${parallel}`], { env: { ...process.env, HS_ANCHOR: Buffer.from(cert.chain[0]).toString('base64') } });
    kids.push(k);
    ready.push(new Promise((resolve, reject) => { k.once('message', () => resolve()); k.once('exit', (code) => reject(new Error(`client child exited (${code})`))); }));
    reports.push(new Promise((resolve) => k.on('message', (m) => { if (typeof m === 'object') resolve(m as ClientReport); })));
  }
  await Promise.all(ready);
  const t0 = performance.now(), c0 = cpuUs();
  for (const k of kids) k.send('go');
  const rs = await Promise.all(reports);
  const latMs = rs.flatMap((r) => r.latMs);
  // Counted at the clients: a connection its client closed at once may end before the
  // server's accept() would hand it out, but the server did the whole handshake.
  const s: Sample = { latMs, wallMs: performance.now() - t0, cpuMs: (cpuUs() - c0) / 1000, n: latMs.length, resumed: 0 };
  const failed = rs.reduce((a, r) => a + r.failed, 0);
  if (failed) throw new Error(`server: ${failed} connect() calls failed`);
  const retried = rs.reduce((a, r) => a + r.retried, 0);
  if (retried) throw new Error(`server: ${retried} of ${s.n} handshakes went through a Retry (retry is 'never' here)`);
  for (const k of kids) k.kill();
  await server.close();
  return s;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const table: string[] = [];
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const modes = (['memory', 'udp'] as const).filter((m) => !only || only === m);
  for (const mode of modes) {
    for (const resume of [false, true]) {
      const acc = new Map<string, Sample[]>();
      // Warm-up: JIT, the core module, each seam's first-use checks.
      for (const [, impl] of SEAMS) { setHandshakeCrypto(impl); await (mode === 'memory' ? memoryRound(5, resume) : udpRound(3, resume)); }
      for (let r = 0; r < ROUNDS; r++) {
        for (const [name, impl] of r % 2 ? [...SEAMS].reverse() : SEAMS) {
          setHandshakeCrypto(impl);
          const s = await (mode === 'memory' ? memoryRound(PER_ROUND.memory, resume) : udpRound(PER_ROUND.udp, resume));
          acc.set(name, [...(acc.get(name) ?? []), s]);
        }
      }
      const perSeam = new Map<string, number>();
      for (const [name] of SEAMS) {
        const ss = acc.get(name)!;
        const lat = ss.flatMap((s) => s.latMs);
        const n = ss.reduce((a, s) => a + s.n, 0), wall = ss.reduce((a, s) => a + s.wallMs, 0), resumed = ss.reduce((a, s) => a + s.resumed, 0);
        const cpu = ss.reduce((a, s) => a + s.cpuMs, 0) / n;
        if (resume && resumed !== n) throw new Error(`${mode}: ${n - resumed} of ${n} connections did not resume`);
        const hps = (n * 1000) / wall, p50 = pct(lat, 50), p99 = pct(lat, 99);
        perSeam.set(name, hps);
        const label = `${mode}, resumption ${resume ? 'on ' : 'off'}, ${name}`;
        table.push(`  ${label.padEnd(48)} ${hps.toFixed(0).padStart(8)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${cpu.toFixed(2).padStart(8)} ${String(n).padStart(6)}`);
        rows.push({ name: `${label}: handshakes/s`, value: hps, unit: 'handshakes/s', extra: { mode, resumption: resume ? 'on' : 'off', seam: name, p50Ms: +p50.toFixed(3), p99Ms: +p99.toFixed(3), cpuMsPerHandshake: +cpu.toFixed(3), n } });
      }
      const base = perSeam.get(SEAMS[0][0])!, now = perSeam.get(SEAMS[1][0])!;
      table.push(`  ${''.padEnd(48)} node:crypto / portable = ${(now / base).toFixed(2)}×`);
    }
  }
  if (!only || only === 'server') {
    // Server process alone: 2 client children × 4 connect() loops (the machine's cores are shared with them).
    setHandshakeCrypto(nodeHandshakeCrypto);
    // Warm-up: a server runs for long; the first few hundred handshakes also pay V8's
    // optimizing compiler (≈ 1 ms of background CPU per handshake over the first 400,
    // measured with --trace-opt), which a steady server no longer does.
    await serverRound(quick ? 200 : 600, 2, 4);
    const s = await serverRound(quick ? 300 : 2000, 2, 4);
    const hps = (s.n * 1000) / s.wallMs, cpu = s.cpuMs / s.n, p50 = pct(s.latMs, 50), p99 = pct(s.latMs, 99);
    const label = 'server process (clients: 2 child processes)';
    table.push(`  ${label.padEnd(48)} ${hps.toFixed(0).padStart(8)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${cpu.toFixed(2).padStart(8)} ${String(s.n).padStart(6)}`);
    table.push(`  ${''.padEnd(48)} server CPU per handshake ${cpu.toFixed(2)} ms: one core would complete ${(1000 / cpu).toFixed(0)}/s (target 1,000)`);
    rows.push({ name: 'server process (clients in 2 other processes): handshakes/s', value: hps, unit: 'handshakes/s', extra: { mode: 'server', resumption: 'off', seam: 'node:crypto', p50Ms: +p50.toFixed(3), p99Ms: +p99.toFixed(3), cpuMsPerHandshake: +cpu.toFixed(3), n: s.n } });
    rows.push({ name: 'server process: handshakes/s per core of server CPU (1000 / CPU ms)', value: 1000 / cpu, unit: 'handshakes/s', extra: { cpuMsPerHandshake: +cpu.toFixed(3) } });
  }
  console.log(`\n${'  setting'.padEnd(50)} ${'hs/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'n'.padStart(6)}`);
  for (const l of table) console.log(l);
  report('handshake', rows, [
    'sequential handshakes, quicwasm client and server; memory = both ends in this process (the cost of both), udp = listen()/connect() on loopback',
    'server = listen({ retry: \'never\' }) in this process, 8 concurrent connect() loops in 2 child processes, measured after a warm-up round (JIT); CPU ms = the server process alone',
    'latency: connect to established, at the client; baseline (portable seam) measured in the same run, rounds interleaved',
  ]);
}

async function profileOnly(): Promise<void> {
  // --profile=memory|udp|server: one seam (node:crypto), resumption off, for --cpu-prof runs.
  const which = process.argv.find((a) => a.startsWith('--profile='))!.slice(10);
  setHandshakeCrypto(nodeHandshakeCrypto);
  const n = Number(process.env.HS_N ?? 200);
  if (which === 'server') await serverRound(40, 2, 2);
  // PROFILE=file: a CPU profile of the measured round alone (no start-up), for bench/bulk/profile-shares.ts.
  const profile = profileWindow(process.env.PROFILE);
  await profile.start();
  const s = await (which === 'udp' ? udpRound(100, false) : which === 'server' ? serverRound(n, 2, 4) : memoryRound(n, process.env.HS_RESUME === '1'));
  await profile.stop();
  console.log(`${which}: ${((s.n * 1000) / s.wallMs).toFixed(0)} handshakes/s, ${(s.cpuMs / s.n).toFixed(2)} CPU ms each`);
}

const worker = process.argv.find((a) => a.startsWith('--client-worker='));
(worker ? clientWorker(worker.slice(16)) : process.argv.some((a) => a.startsWith('--profile=')) ? profileOnly() : main()).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
