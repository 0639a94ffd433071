// A core instance ready before the endpoint that needs it. connect() makes an endpoint,
// and so a core instance, per connection; WebAssembly.Instance and the core's start
// function cost ≈ 0.5–0.7 ms of the time before the first Initial leaves (bench/connect.ts,
// issue 19's connect() latency). A process that makes endpoints one after another gets
// the next one's instance made in a quiet moment after the last was taken, and takes it
// ready. The CPU is the same; it leaves the path a connection waits on.
//
// An instance's imports are fixed when it is made, before anyone knows which endpoint
// will own it: each host import is a trampoline through a per-instance table of targets,
// which takeCore() fills with the endpoint's functions. A spare's own targets until then
// are the "unavailable" stand-ins; its start function only draws randomness (CSPRNG pool).
// One spare per compiled module at most, made only after two endpoints within
// SPARE_WINDOW_MS (a process making connections in a row), dropped after SPARE_IDLE_MS
// unused: a process that opens one connection pays nothing.

import { Core, instantiateCore, UNAVAILABLE_IMPORTS, type CoreImports } from './core';

type Fn = (...args: number[]) => number | void;
type Targets = Record<string, Fn>;

/** The host imports, each through the targets table (fixed arities: no rest array per call). */
const TRAMPOLINES: Record<string, (t: Targets) => WebAssembly.ImportValue> = {
  pathAddress: (t) => (a: number, b: number, c: number) => t.pathAddress(a, b, c),
  retryTag: (t) => (a: number, b: number, c: number, d: number, e: number, f: number) => t.retryTag(a, b, c, d, e, f),
  initialProbeKeys: (t) => (a: number, b: number, c: number, d: number) => t.initialProbeKeys(a, b, c, d),
  cidGenerate: (t) => (a: number, b: number) => t.cidGenerate(a, b),
  hpMask: (t) => (a: number, b: number, c: number) => t.hpMask(a, b, c),
  aeadSeal: (t) => (a: number, b: number, c: number, d: number, e: number) => t.aeadSeal(a, b, c, d, e),
  aeadOpen: (t) => (a: number, b: number, c: number, d: number, e: number) => t.aeadOpen(a, b, c, d, e),
  qlogPacket: (t) => (a: number, b: number, c: number, d: number) => t.qlogPacket(a, b, c, d),
};

/** Two endpoints of one module closer together than this make the next one's instance ahead. */
export const SPARE_WINDOW_MS = 10_000;
/** A spare nobody took in this long is dropped (its memory with it). */
export const SPARE_IDLE_MS = 10_000;

interface Switchable { core: Core; targets: Targets }
interface Spare extends Switchable { drop: ReturnType<typeof setTimeout> | null }

const spares = new WeakMap<WebAssembly.Module, Spare>();
const lastTaken = new WeakMap<WebAssembly.Module, number>();
const refilling = new WeakSet<WebAssembly.Module>();

/** Counts for tests: instances made ahead, and taken ready. */
export const spareStats = { made: 0, taken: 0 };

function makeSwitchable(module: WebAssembly.Module): Switchable {
  const targets: Targets = { ...(UNAVAILABLE_IMPORTS as Targets) };
  const host: Record<string, WebAssembly.ImportValue> = {};
  for (const name of Object.keys(TRAMPOLINES)) host[name] = TRAMPOLINES[name](targets);
  return { core: instantiateCore(module, { host }), targets };
}

/**
 * A started core instance of `module` whose host imports are `imports.host` (any not
 * given keep the stand-ins): the spare if one is ready, else one made now. Imports other
 * than the known host functions (a core built with more) get a fresh, directly bound instance.
 * `makeAhead`: whether this endpoint runs on real time, so that a spare may be made for
 * the next one on a real timer (an endpoint on an application's clock, seed 000's
 * non-pollable mode or the simulator's virtual clock, arms no timer of its own).
 */
export function takeCore(module: WebAssembly.Module, imports: CoreImports, makeAhead = true): Core {
  const host = imports.host ?? {};
  const unknown = Object.keys(imports).some((m) => m !== 'host') || Object.keys(host).some((n) => !(n in TRAMPOLINES));
  if (unknown) return instantiateCore(module, imports);
  const now = Date.now();
  const previous = lastTaken.get(module);
  lastTaken.set(module, now);
  let s: Switchable | undefined = spares.get(module);
  if (s) {
    spares.delete(module);
    const drop = (s as Spare).drop;
    if (drop !== null) clearTimeout(drop);
    spareStats.taken++;
  } else {
    s = makeSwitchable(module);
  }
  Object.assign(s.targets, host);
  if (makeAhead && previous !== undefined && now - previous < SPARE_WINDOW_MS) scheduleSpare(module);
  return s.core;
}

/** Makes the next spare once the current turn of the event loop is done. */
function scheduleSpare(module: WebAssembly.Module): void {
  if (spares.has(module) || refilling.has(module)) return;
  refilling.add(module);
  const t = setTimeout(() => {
    refilling.delete(module);
    if (spares.has(module)) return;
    let s: Switchable;
    try {
      s = makeSwitchable(module);
    } catch {
      return; // out of memory for another instance: the next endpoint makes its own
    }
    spareStats.made++;
    const drop = setTimeout(() => { if (spares.get(module) === spare) spares.delete(module); }, SPARE_IDLE_MS);
    unref(drop);
    const spare: Spare = { ...s, drop };
    spares.set(module, spare);
  }, 0);
  unref(t);
}

/** Neither timer may keep a process alive: Node's and Bun's unref(), Deno's unrefTimer(id). */
function unref(t: ReturnType<typeof setTimeout>): void {
  if (typeof t === 'object' && t !== null && typeof (t as { unref?: unknown }).unref === 'function') (t as { unref(): void }).unref();
  else (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(t);
}

/** Drops the spare of `module` (tests; a process that wants its memory back at once). */
export function dropSpareCore(module: WebAssembly.Module): void {
  const s = spares.get(module);
  if (s?.drop) clearTimeout(s.drop);
  spares.delete(module);
}
