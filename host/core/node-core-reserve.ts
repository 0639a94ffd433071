// One core instance made ahead for the next connect(), per compiled module. Making an
// instance costs ≈ 0.5–0.8 ms (V8's instance setup, first touches of its memory, the
// core's start) of a loopback connect()'s ≈ 4 ms; made in a spare moment after a
// connect() began (setImmediate: the Initial is sent by then and the handshake waits on
// the network), the next connect() binds its imports to it and goes on. The reserve
// holds at most one instance (≈ 0.5 MiB) and lets it go after IDLE_MS without a
// connect(). Node, Deno and Bun (node:timers); browsers instantiate per endpoint.

import { setImmediate, setTimeout, clearTimeout } from 'node:timers';
import { instantiateCore, instantiateUnbound, type Core, type CoreImports, type UnboundCore } from './core';

/** A spare nobody took for this long is let go (its memory back to the runtime). */
const IDLE_MS = 30_000;

interface Reserve {
  spare: UnboundCore | null;
  /** Spares made and spares taken so far (tests read them). */
  made: number;
  taken: number;
  filling: boolean;
  idle: ReturnType<typeof setTimeout> | null;
}

const reserves = new WeakMap<WebAssembly.Module, Reserve>();

/** @internal Benches compare with the reserve off (bench/connect.ts --compare-reserve). */
export const coreReserve = { enabled: true };

/** A core of `module` with `imports`: the spare when there is one (then another is made soon), else a new one. */
export function takeReservedCore(module: WebAssembly.Module, imports: CoreImports): Core {
  if (!coreReserve.enabled) return instantiateCore(module, imports);
  let r = reserves.get(module);
  if (!r) reserves.set(module, (r = { spare: null, made: 0, taken: 0, filling: false, idle: null }));
  const spare = r.spare;
  r.spare = null;
  if (r.idle) { clearTimeout(r.idle); r.idle = null; }
  let core: Core;
  if (spare) {
    r.taken++;
    spare.bind(imports);
    core = spare.core;
  } else core = instantiateCore(module, imports);
  refillSoon(module, r);
  return core;
}

function refillSoon(module: WebAssembly.Module, r: Reserve): void {
  if (r.filling) return;
  r.filling = true;
  setImmediate(() => {
    r.filling = false;
    if (r.spare) return;
    try {
      r.spare = instantiateUnbound(module);
      r.made++;
    } catch {
      return; // out of memory, say: the next connect() makes its own, as without a reserve
    }
    r.idle = setTimeout(() => { r.spare = null; r.idle = null; }, IDLE_MS);
    r.idle.unref?.();
  });
}

/** @internal For tests: whether a spare of `module` is ready, and how many were made and taken. */
export function reservedCores(module: WebAssembly.Module): { ready: boolean; made: number; taken: number } {
  const r = reserves.get(module);
  return { ready: !!r?.spare, made: r?.made ?? 0, taken: r?.taken ?? 0 };
}
