// What a spoofed-Initial flood costs the server with and without Retry (RFC 9000 §8.1.2):
// correctly protected Initials from distinct sources that never answer, injected into
// one server endpoint over the simulator. Per Initial: CPU, bytes sent back, and the
// state left (half-open connections, core memory). 'never' allocates a half-open
// connection (with its TLS state and key derivation) per Initial until the table is
// full and then evicts; 'always' answers each with a stateless Retry; 'under-load' does
// the first until half the table is taken, then the second. Numbers compare within a run
// ('always' runs first, so it also pays for the warm-up).
import { randomBytes } from 'node:crypto';
import { forgeInitial } from '../test/transport/flood';
import { sourcesSim, realClientHello } from '../test/transport/retry-helpers';
import { cpuUs, report, type BenchRow } from './lib';

const N = 4000;

async function main(): Promise<void> {
  const hello = await realClientHello();
  const rows: BenchRow[] = [];
  for (const mode of ['always', 'under-load', 'never'] as const) {
    const s = sourcesSim({ retry: mode, limits: { maxHalfOpen: 1024, maxHalfOpenPerPath: 8 } });
    const packets = Array.from({ length: N }, () => forgeInitial(hello.frames, randomBytes(8), hello.scid));
    const mem0 = s.srv.stats.memoryBytes;
    const c0 = cpuUs();
    for (let i = 0; i < N; i++) s.net.inject(packets[i], 1 + i);
    const cpu = cpuUs() - c0;
    const st = s.srv.stats;
    let sent = 0;
    for (const c of s.net.sources.values()) sent += c.sent;
    rows.push({
      name: `spoofed Initial, retry '${mode}'`, value: Math.round(cpu / N), unit: 'µs CPU/Initial',
      extra: { bytesSentPerInitial: Math.round(sent / N), halfOpen: st.halfOpen, evicted: st.halfOpenEvicted, retries: st.retriesSent, memoryGrowthKiB: Math.round((st.memoryBytes - mem0) / 1024) },
    });
    // (The endpoint is left to the garbage collector: its virtual clock never runs again.)
  }
  report('retry-flood', rows, [`${N} correctly protected Initials (1,200 B) from ${N} sources that never answer; first answer only (no PTO time passes)`]);
}

main().catch((e) => { console.error(e); process.exit(1); });
