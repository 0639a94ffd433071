// The deterministic simulator test (issue 4): a client and a server over the DgramPair
// with a virtual clock echo 1 MiB on several streams, so that 1 MiB flows each way, for
// a range of seeds whose impairments span 0–20% loss, reordering, duplication,
// corruption, delay and bandwidth limits (scenarios.ts). The seeds are split across
// files so that jest runs the shards in parallel.
//
// Reproduce one seed: SEED=123 npx jest test/transport/simulator
import { transfer } from './transfer';
import { impairmentsFor } from './scenarios';

const STREAM_SEND_BUFFER = 1 << 20; // the core's default per-stream send buffer
const MAX_RECEIVE_WINDOW = 16 << 20; // the core's default receive-window ceiling

export function simulatorShard(from: number, to: number): void {
  const only = process.env.SEED ? Number(process.env.SEED) : null;
  const seeds: number[] = [];
  for (let s = from; s < to; s++) if (only === null || only === s) seeds.push(s);
  if (!seeds.length) { test.skip(`seeds ${from}..${to - 1} (SEED=${only} is elsewhere)`, () => undefined); return; }

  test.each(seeds)('seed %i: 1 MiB each way, byte-exact, invariants hold', async (seed) => {
    const sc = impairmentsFor(seed);
    const r = await transfer({ seed, totalBytes: 1 << 20, streams: sc.streams, impair: sc.impair, transport: sc.transport });
    const context = `seed ${seed} ${JSON.stringify(sc)}: ${r.reason ?? ''}`;
    expect({ context, ok: r.ok }).toEqual({ context, ok: true });
    expect(r.echoedHashes).toEqual(r.sentHashes);
    // §8.1: never more than three times the bytes received before the address is validated.
    expect(r.maxAmplification).toBeLessThanOrEqual(3);
    // The observer really saw the validation (its key-log keys opened a client Handshake packet).
    expect(r.addressValidated).toBe(true);
    // RFC 9002 §7: only probes may exceed the congestion window, measured on the wire
    // (cwnd.ts): the 1-RTT bytes certainly in flight fit the window the sender reports
    // at every send, and never exceed what any controller could have grown to.
    expect({ context, ...r.cwnd, worst: undefined, maxRatio: undefined }).toEqual({ context, checked: r.cwnd.checked, overReported: 0, overOutside: 0, unopened: 0, worst: undefined, maxRatio: undefined });
    expect(r.cwnd.checked).toBeGreaterThan(100);
    // Buffers stay within their configured bounds.
    for (const st of [r.clientStats, r.serverStats!]) {
      expect(st.sendBufferHighWater).toBeLessThanOrEqual(STREAM_SEND_BUFFER);
      expect(st.recvBufferHighWater).toBeLessThanOrEqual(MAX_RECEIVE_WINDOW);
    }
  }, 60_000);
}
