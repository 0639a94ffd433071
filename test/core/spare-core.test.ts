// The spare core instance (host/core/spare-core.ts): made ahead only for a process that
// makes endpoints in a row, taken ready with the taker's own imports, never shared,
// dropped when unused.
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../../host/core/node-loader';
import { takeCore, dropSpareCore, spareStats, SPARE_IDLE_MS, SPARE_WINDOW_MS } from '../../host/core/spare-core';
import { makeSim, connectSim, runUntil, coreModule } from '../transport/sim';
import type { Core } from '../../host/core/core';

const coreOf = (endpoint: unknown): Core => (endpoint as { abi: { core: Core } }).abi.core;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('spare core instances', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('an endpoint made after a spare is ready takes it, with its own imports, and works end to end', async () => {
    const module = coreModule();
    dropSpareCore(module);
    takeCore(module, { host: {} });
    takeCore(module, { host: {} }); // two endpoints in a row on real time: a spare is scheduled
    await tick();
    const made = spareStats.made, taken = spareStats.taken;
    const sim = makeSim({ seed: 7 }); // its server takes the spare, its client makes one now
    expect(spareStats.taken).toBe(taken + 1);
    await tick();
    // The sim's endpoints run on a virtual clock: they arm no real timer, so no spare for the next.
    expect(spareStats.made).toBe(made);
    expect(coreOf(sim.server).exports.memory).not.toBe(coreOf(sim.client).exports.memory);
    // The handshake needs the taker's AES-GCM imports (Initial packets) and its key table:
    // a spare still on the stand-ins would drop every packet.
    const pair = await connectSim(sim);
    expect(pair).not.toBeNull();
    const s = pair!.client.openStream();
    const payload = new Uint8Array(50_000).map((_, i) => (i * 7) & 0xff);
    let got: Uint8Array | null = null;
    pair!.server.acceptStream().then(async (rs) => { got = await rs.readAll(); }, () => undefined);
    void s.end(payload);
    expect(await runUntil(sim.clock, () => got !== null)).toBe(true);
    expect(Buffer.compare(Buffer.from(got!), Buffer.from(payload))).toBe(0);
  });

  it('is never handed out twice, and an endpoint made alone schedules none', () => {
    jest.useFakeTimers();
    const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
    const made = spareStats.made, taken = spareStats.taken;
    const first = takeCore(module, { host: {} });
    jest.advanceTimersByTime(1);
    expect(spareStats.made).toBe(made); // one endpoint: no spare
    jest.advanceTimersByTime(SPARE_WINDOW_MS + 1);
    takeCore(module, { host: {} }); // long after: still none
    jest.advanceTimersByTime(1);
    expect(spareStats.made).toBe(made);
    const a = takeCore(module, { host: {} }); // a second one soon after: the next is made ahead
    jest.advanceTimersByTime(1);
    expect(spareStats.made).toBe(made + 1);
    const b = takeCore(module, { host: {} });
    expect(spareStats.taken).toBe(taken + 1);
    const all = [first, a, b].map((c) => c.exports.memory);
    expect(new Set(all).size).toBe(3);
    dropSpareCore(module);
  });

  it('drops a spare nobody takes', () => {
    jest.useFakeTimers();
    const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
    takeCore(module, { host: {} });
    takeCore(module, { host: {} });
    jest.advanceTimersByTime(1);
    const taken = spareStats.taken;
    jest.advanceTimersByTime(SPARE_IDLE_MS + 1);
    takeCore(module, { host: {} });
    expect(spareStats.taken).toBe(taken); // made fresh: the spare was gone
    dropSpareCore(module);
  });
});
