// Sums a V8 CPU profile (node --cpu-prof, e.g. from `bench/bulk-udp.ts --profile=DIR`) into
// the shares the performance issue asks for: crypto, wasm core, JS glue, syscalls, GC.
// In-core crypto shows by name only with a core built with names
// (`npx asc assembly/index.ts --target release --debug --outFile dist/core.wasm`), or with
// --names=CORE.wasm: a release core built with --debug has the same code (so the same
// function indices) plus a name section, which then names each profile's wasm-function[N].
//   npx tsx bench/bulk/profile-shares.ts FILE.cpuprofile [...] [--top=N] [--names=core-named.wasm]
// Self time per node, by category; idle time is left out of the percentages.
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/**
 * The category of one profile node's self time, from its function name and script; a
 * native function (no script) counts where its caller does (the native `send` under
 * node:dgram is the sendmsg syscall, which on loopback also runs the kernel's delivery).
 */
export function category(fn: string, url: string, callerUrl = ''): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'program (V8/libuv native)';
  if (fn === 'dispatch' && /inspector/.test(callerUrl)) return 'profiler';
  if (/^assembly\/crypto\//.test(fn)) return 'packet crypto (in the core)';
  if (url.startsWith('wasm://') || /^\$?(func|wasm-function)/.test(fn) || url.endsWith('.wasm') || /^assembly\/|^~lib\//.test(fn)) return 'wasm core';
  const u = url || callerUrl;
  if (/crypto\/hash/.test(u)) return "bench's SHA-256 check";
  if (/crypto/i.test(u)) return 'packet crypto (node:crypto)';
  if (/node:dgram|internal\/dgram|udp_wrap/.test(u)) return 'syscalls + node:dgram';
  if (u.includes('/host/')) return 'JS glue (host)';
  if (u.startsWith('node:') || u === '') return 'node internals (timers, ticks, async hooks)';
  return 'other JS (bench, tsx)';
}

/** Function index → name, from a wasm module's name section (empty when it has none). */
export function wasmFunctionNames(wasm: Uint8Array<ArrayBuffer>): Map<number, string> {
  const out = new Map<number, string>();
  const section = WebAssembly.Module.customSections(new WebAssembly.Module(wasm), 'name')[0];
  if (!section) return out;
  const u = new Uint8Array(section);
  let i = 0;
  const leb = (): number => { let r = 0, shift = 0, b: number; do { b = u[i++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
  while (i < u.length) {
    const id = u[i++];
    const end = leb() + i;
    if (id === 1) { // function names: count, then (index, name) pairs
      for (let n = leb(); n > 0; n--) { const idx = leb(); const len = leb(); out.set(idx, new TextDecoder().decode(u.subarray(i, i + len))); i += len; }
    }
    i = end;
  }
  return out;
}

function main(): void {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 15);
  const namesFile = process.argv.find((a) => a.startsWith('--names='))?.slice(8);
  const names = namesFile ? wasmFunctionNames(new Uint8Array(readFileSync(namesFile))) : new Map<number, string>();
  const named = (fn: string): string => { const m = /^wasm-function\[(\d+)\]$/.exec(fn); return (m && names.get(Number(m[1]))) || fn; };
  for (const f of files) {
    const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, ProfileNode>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const callerUrl = (id: number): string => {
      for (let q = parent.get(id); q; q = parent.get(q.id)) if (q.callFrame.url) return q.callFrame.url;
      return '';
    };
    const self = new Map<number, number>();
    for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
    const cats = new Map<string, number>();
    const fns = new Map<string, number>();
    let busy = 0;
    for (const [id, us] of self) {
      const n = byId.get(id)!;
      const fn = named(n.callFrame.functionName);
      const c = category(fn, n.callFrame.url, n.callFrame.url ? '' : callerUrl(id));
      cats.set(c, (cats.get(c) ?? 0) + us);
      if (c === 'idle' || c === 'profiler') continue;
      busy += us;
      const key = `${fn || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}`;
      fns.set(key, (fns.get(key) ?? 0) + us);
    }
    console.log(`${f}: busy ${(busy / 1000).toFixed(0)} ms, idle ${((cats.get('idle') ?? 0) / 1000).toFixed(0)} ms`);
    for (const [c, us] of [...cats].filter(([c]) => c !== 'idle' && c !== 'profiler').sort((a, b) => b[1] - a[1])) console.log(`  ${c.padEnd(28)} ${(100 * us / busy).toFixed(1).padStart(5)} %`);
    console.log('  top functions (self):');
    for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${(100 * us / busy).toFixed(1).padStart(5)} %  ${k}`);
  }
}

if (require.main === module) main();
