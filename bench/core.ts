// The WASM core alone (release build): frames decoded per second, headers parsed per
// second, and what one host→wasm call with a 1200-byte datagram costs — through our
// raw exports with the fixed receive region, as an empty call (the floor), and through
// the AssemblyScript compiler's generated bindings (which allocate and copy a
// Uint8Array inside the module per call). That last comparison is why the host loads
// the core with plain WebAssembly.instantiate and fixed I/O regions (README, design notes).

import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCoreNode } from '../host/core/node-loader';
import { WireFrames } from '../host/core/wire-frames';
import { WirePackets, PacketType } from '../host/core/wire-packets';
import { opsPerSecond, nsPerOp, report, BenchRow } from './lib';

const root = join(__dirname, '..');

async function main(): Promise<void> {
  const core = loadCoreNode('release');
  const x = core.exports as unknown as Record<string, (...a: number[]) => number>;
  const frames = new WireFrames(core);
  const packets = new WirePackets(core);
  const mem = () => new Uint8Array(core.exports.memory.buffer);
  const rows: BenchRow[] = [];

  // ---- frames: a realistic 1-RTT payload mix --------------------------------------
  const parts = [
    (frames.encodeAck([[90n, 100n], [70n, 80n], [40n, 60n], [1n, 30n]], 25n) as { bytes: Uint8Array }).bytes,
    frames.encode({ type: 0x08, a: 4n, b: 123456n, data: new Uint8Array(1000), withLength: true }) as Uint8Array,
    frames.encode({ type: 0x10, a: 1n << 24n }) as Uint8Array,
    frames.encode({ type: 0x11, a: 4n, b: 1n << 22n }) as Uint8Array,
    frames.encode({ type: 0x01 }) as Uint8Array,
    new Uint8Array(20), // PADDING run
  ];
  const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { payload.set(p, off); off += p.length; }
  const pptr = core.scratchPtr;
  mem().set(payload, pptr);
  const end = pptr + payload.length;
  const frameOps = opsPerSecond((batch) => {
    for (let i = 0; i < batch; i++) {
      let p = pptr;
      while (p < end) {
        const n = x.frameDecode(p, end - p);
        if (n <= 0) throw new Error('decode failed');
        p += n;
      }
    }
  }, 2000);
  rows.push({ name: `frames decoded (mix of ${parts.length}: ACK 4 ranges, STREAM 1000 B, MAX_DATA, MAX_STREAM_DATA, PING, PADDING)`, value: frameOps * parts.length, unit: 'frames/s' });

  // ---- headers ----------------------------------------------------------------------
  const dcid = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const ini = packets.buildLongHeader({ type: PacketType.Initial, version: 1, dcid, scid: dcid, pn: 5n, pnLength: 2, payloadLength: 1150 }) as { bytes: Uint8Array };
  const initial = new Uint8Array(1200);
  initial.set(ini.bytes);
  const short = new Uint8Array(1200);
  short.set(packets.buildShortHeader({ dcid, pn: 77n, pnLength: 2 }) as Uint8Array);
  const hs = packets.buildLongHeader({ type: PacketType.Handshake, version: 1, dcid, scid: dcid, pn: 1n, pnLength: 2, payloadLength: 300 }) as { bytes: Uint8Array };
  // An Initial whose Length leaves room for a Handshake packet and a short packet.
  const coalesced = new Uint8Array(1200);
  const ini2 = packets.buildLongHeader({ type: PacketType.Initial, version: 1, dcid, scid: dcid, pn: 5n, pnLength: 2, payloadLength: 400 }) as { bytes: Uint8Array };
  coalesced.set(ini2.bytes, 0);
  const hsAt = ini2.bytes.length + 400;
  coalesced.set(hs.bytes, hsAt);
  coalesced.set(packets.buildShortHeader({ dcid, pn: 9n, pnLength: 1 }) as Uint8Array, hsAt + hs.bytes.length + 300);
  const rx = core.rxPtr;
  for (const [name, bytes, fn] of [
    ['long header (Initial) parsed', initial, (n: number) => x.headerParse(rx, n, 8)],
    ['short header parsed', short, (n: number) => x.headerParse(rx, n, 8)],
    ['coalesced datagram split (Initial + Handshake + 1-RTT)', coalesced, (n: number) => x.datagramSplit(rx, n, 8)],
    ['datagram routed (DCID, version, Initial?)', initial, (n: number) => x.datagramRoute(rx, n, 8)],
  ] as const) {
    mem().set(bytes, rx);
    const check = fn(bytes.length);
    if (check <= 0) throw new Error(`${name}: ${check}`);
    rows.push({ name, value: opsPerSecond((batch) => { for (let i = 0; i < batch; i++) fn(bytes.length); }, 5000), unit: 'ops/s' });
  }

  // ---- call cost --------------------------------------------------------------------
  const dgram = new Uint8Array(1200).fill(0x41);
  const emptyOps = opsPerSecond((batch) => { for (let i = 0; i < batch; i++) x.ioRxPtr(); }, 10000);
  rows.push({ name: 'empty host→wasm call (floor)', value: nsPerOp(emptyOps), unit: 'ns' });
  const u8 = mem();
  const rawOps = opsPerSecond((batch) => {
    for (let i = 0; i < batch; i++) { u8.set(dgram, rx); x.datagramRoute(rx, 1200, 8); }
  }, 10000);
  rows.push({ name: 'call with a 1200-byte datagram: raw export + fixed rx region', value: nsPerOp(rawOps), unit: 'ns' });

  const notes: string[] = [];
  try {
    mkdirSync(join(root, 'build'), { recursive: true });
    execFileSync(process.execPath, [require.resolve('assemblyscript/bin/asc'), 'bench/wasm/bindings-probe.ts', '--config', 'bench/wasm/asconfig.json',
      '--bindings', 'raw', '-O3', '--runtime', 'incremental', '-o', 'build/bindings-probe.wasm'], { cwd: root, stdio: 'pipe' });
    const glue = await import(pathToFileURL(join(root, 'build/bindings-probe.js')).href);
    const probe = await glue.instantiate(new WebAssembly.Module(readFileSync(join(root, 'build/bindings-probe.wasm'))));
    if (probe.takeDatagram(dgram) !== 1200) throw new Error('probe returned the wrong length');
    const ascOps = opsPerSecond((batch) => { for (let i = 0; i < batch; i++) probe.takeDatagram(dgram); }, 10000);
    rows.push({ name: 'call with a 1200-byte datagram: asc --bindings (allocates + copies)', value: nsPerOp(ascOps), unit: 'ns' });
  } catch (err) {
    notes.push(`asc generated-bindings measurement not available: ${(err as Error).message.split('\n')[0]}`);
  }
  report('core', rows, notes);
}

main().catch((err) => { console.error(err); process.exit(1); });
