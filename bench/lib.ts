// Shared helpers for the benches: time a loop, print a table a person can read, and
// one machine-readable line per bench (`BENCH_JSON {...}`) that bench/run.ts collects.
// Benches never pass or fail on time; they print numbers to compare within one run.

/** One measured row. */
export interface BenchRow {
  /** What was measured, e.g. "ACK frame decode". */
  name: string;
  /** The headline number. */
  value: number;
  /** Its unit, e.g. "ops/s", "ns", "Mbit/s". */
  unit: string;
  /** Optional extra fields carried into the JSON line. */
  extra?: Record<string, number | string>;
}

/** Wall time in nanoseconds (monotonic). */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** CPU time (user + system) of this process in microseconds. */
export function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Calls `fn(batch)` repeatedly (each call does `batch` operations) until at least
 * `minMs` elapsed, after a short warm-up; returns operations per second.
 */
export function opsPerSecond(fn: (batch: number) => void, batch = 1000, minMs = 400): number {
  const warmEnd = nowNs() + 50_000_000n;
  while (nowNs() < warmEnd) fn(batch);
  let ops = 0;
  const t0 = nowNs();
  const end = t0 + BigInt(minMs) * 1_000_000n;
  let t = t0;
  while (t < end) {
    fn(batch);
    ops += batch;
    t = nowNs();
  }
  return (ops * 1e9) / Number(t - t0);
}

/** Nanoseconds per operation from an ops/s figure. */
export function nsPerOp(opsPerSec: number): number {
  return 1e9 / opsPerSec;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toFixed(2);
}

/** Prints the rows as a table and one `BENCH_JSON` line for bench/run.ts. */
export function report(bench: string, rows: BenchRow[], notes: string[] = []): void {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\n== ${bench} ==`);
  for (const r of rows) console.log(`  ${r.name.padEnd(width)}  ${fmt(r.value).padStart(10)} ${r.unit}`);
  for (const n of notes) console.log(`  note: ${n}`);
  const json: Record<string, unknown> = { bench, runtime: runtimeName(), results: rows };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
}

/** "node 20.20.2", "deno 2.x", "bun 1.x". */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}

/**
 * Node flags that run a TypeScript file the way the published bundle runs (bench/register.cjs:
 * no dev-loader wrappers): every bench process and the peers they spawn start with these.
 */
export const TS_NODE_ARGS: string[] = ['--require', require.resolve('./register.cjs')];
