// Loads the WebAssembly core and keeps typed views over its linear memory.
// Platform-neutral: it takes the wasm bytes or a compiled module; where those come from
// (a file, a URL, inline bytes) is the job of the runtime-specific loaders.
import { QuicCoreAbort } from '../errors';
import { randomFill as fillFromPool } from '../crypto/random-pool';

/** The exports every core build has (assembly/index.ts is the source of truth). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  _initialize(): void;
  ioRxPtr(): number;
  ioTxPtr(): number;
  ioScratchPtr(): number;
  ioResultsPtr(): number;
  ioRxCapacity(): number;
  ioTxCapacity(): number;
  ioScratchCapacity(): number;
  ioResultSlots(): number;
  ioAbortInfoPtr(): number;
  [name: string]: unknown;
}

/** Functions the core imports from the host, by module name ("host" for ours). */
export type CoreImports = Record<string, Record<string, WebAssembly.ImportValue>>;

/**
 * One instance of the core with views over its memory. Views are rebuilt lazily:
 * any call into the core may grow memory, which detaches every view over the old buffer.
 */
export class Core {
  readonly exports: CoreExports;
  readonly rxPtr: number;
  readonly txPtr: number;
  readonly scratchPtr: number;
  readonly resultsPtr: number;
  readonly rxCapacity: number;
  readonly txCapacity: number;
  readonly scratchCapacity: number;
  private buffer: ArrayBuffer;
  private u8View: Uint8Array;
  private dataView: DataView;
  private u64View: BigUint64Array;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.exports._initialize();
    this.rxPtr = this.exports.ioRxPtr() >>> 0;
    this.txPtr = this.exports.ioTxPtr() >>> 0;
    this.scratchPtr = this.exports.ioScratchPtr() >>> 0;
    this.resultsPtr = this.exports.ioResultsPtr() >>> 0;
    this.rxCapacity = this.exports.ioRxCapacity();
    this.txCapacity = this.exports.ioTxCapacity();
    this.scratchCapacity = this.exports.ioScratchCapacity();
    this.buffer = this.exports.memory.buffer;
    this.u8View = new Uint8Array(this.buffer);
    this.dataView = new DataView(this.buffer);
    this.u64View = new BigUint64Array(this.buffer);
  }

  private refresh(): void {
    const b = this.exports.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.u8View = new Uint8Array(b);
      this.dataView = new DataView(b);
      this.u64View = new BigUint64Array(b);
    }
  }

  /** A byte view over all of linear memory (valid until the next call into the core). */
  get u8(): Uint8Array { this.refresh(); return this.u8View; }
  /** A DataView over all of linear memory (valid until the next call into the core). */
  get view(): DataView { this.refresh(); return this.dataView; }

  /** Copies `bytes` into the receive region; returns their length. */
  writeRx(bytes: Uint8Array): number {
    if (bytes.length > this.rxCapacity) throw new RangeError(`datagram of ${bytes.length} bytes exceeds the core's ${this.rxCapacity}-byte receive region`);
    this.u8.set(bytes, this.rxPtr);
    return bytes.length;
  }

  /** Copies `bytes` into the scratch region at `offset`; returns the absolute address. */
  writeScratch(bytes: Uint8Array, offset = 0): number {
    if (offset + bytes.length > this.scratchCapacity) throw new RangeError(`${bytes.length} bytes do not fit the core's scratch region`);
    this.u8.set(bytes, this.scratchPtr + offset);
    return this.scratchPtr + offset;
  }

  /** A copy of `len` bytes of linear memory at `ptr`. */
  read(ptr: number, len: number): Uint8Array {
    return this.u8.slice(ptr, ptr + len);
  }

  /** Result slot `i` as a BigInt (u64). */
  result(i: number): bigint {
    this.refresh();
    return this.u64View[(this.resultsPtr >>> 3) + i];
  }

  /** Result slot `i` as a number (exact below 2^53); no BigInt on the per-datagram path. */
  resultNumber(i: number): number {
    const v = this.view;
    const p = this.resultsPtr + 8 * i;
    return v.getUint32(p, true) + v.getUint32(p + 4, true) * 0x100000000;
  }

  /** Turns a trap from the core into a QuicCoreAbort with the file and line the core recorded. */
  abortError(cause: unknown): QuicCoreAbort {
    const info = this.exports.ioAbortInfoPtr() >>> 0;
    const v = this.view;
    const msg = readAsString(this.u8, v.getUint32(info, true));
    const file = readAsString(this.u8, v.getUint32(info + 4, true));
    const line = v.getUint32(info + 8, true);
    const col = v.getUint32(info + 12, true);
    const where = file ? ` at ${file}:${line}:${col}` : '';
    return new QuicCoreAbort(`quicwasm core aborted${where}: ${msg || String(cause)}`, { cause });
  }
}

/** Reads an AssemblyScript string (UTF-16, byte length in the header 4 bytes before). */
function readAsString(u8: Uint8Array, ptr: number): string {
  if (!ptr) return '';
  const byteLen = new DataView(u8.buffer).getUint32(ptr - 4, true);
  return new TextDecoder('utf-16le').decode(u8.subarray(ptr, ptr + byteLen));
}

/** Instantiates the core synchronously from wasm bytes or a compiled module. */
export function instantiateCore(source: BufferSource | WebAssembly.Module, imports: CoreImports = {}): Core {
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  // Crypto imports default to "unavailable" so codec-only uses (tests, routers) need no
  // key table; a connection without real crypto imports drops every packet it cannot open.
  // The core's CSPRNG import (CIDs, reset tokens, its hash key) reads the memory of the
  // instance it belongs to, known only once the instance exists; the core's globals
  // (which may draw randomness) initialise later, in Core's _initialize().
  let memory: WebAssembly.Memory | null = null;
  const randomFill = (ptr: number, len: number): void => {
    fillFromPool(new Uint8Array(memory!.buffer, ptr >>> 0, len));
  };
  const merged: CoreImports = { ...imports, host: { ...UNAVAILABLE_CRYPTO, randomFill, ...(imports.host ?? {}) } };
  const instance = new WebAssembly.Instance(module, merged);
  memory = instance.exports.memory as WebAssembly.Memory;
  return new Core(instance);
}

const importNames = new WeakMap<WebAssembly.Module, string[]>();

/** The module's "host" function imports but the CSPRNG (Module.imports() builds its list anew each call). */
function hostImportNames(module: WebAssembly.Module): string[] {
  let names = importNames.get(module);
  if (!names) {
    names = WebAssembly.Module.imports(module).filter((d) => d.module === 'host' && d.kind === 'function' && d.name !== 'randomFill').map((d) => d.name);
    importNames.set(module, names);
  }
  return names;
}

/** A core made before anyone needs it; bind() gives it its imports when it is taken. */
export interface UnboundCore {
  readonly core: Core;
  /** The "host" imports from now on (the CSPRNG import stays the core's own). */
  bind(imports: CoreImports): void;
}

/**
 * Instantiates and initialises a core whose "host" imports are not known yet: each import
 * is a forwarder into a table that bind() fills (the unavailable stand-ins until then).
 * Creating an instance costs ≈ 0.5–0.8 ms (V8's instance setup, the core's start), which
 * an application waiting in connect() should not pay (host/core/node-core-reserve.ts). The
 * forwarders cost one JS call per import call; the per-packet imports are only used
 * when node:crypto seals packets, at ≈ 8 µs each.
 */
export function instantiateUnbound(module: WebAssembly.Module): UnboundCore {
  let table: Record<string, WebAssembly.ImportValue> = UNAVAILABLE_CRYPTO;
  const forwarders: Record<string, WebAssembly.ImportValue> = {};
  for (const name of hostImportNames(module)) {
    forwarders[name] = function (): unknown {
      // eslint-disable-next-line prefer-rest-params -- apply(arguments) passes them without an array per call
      return (table[name] as (...a: unknown[]) => unknown).apply(null, arguments as unknown as unknown[]);
    };
  }
  const core = instantiateCore(module, { host: forwarders });
  return {
    core,
    bind(imports: CoreImports): void {
      const extra = Object.keys(imports).filter((m) => m !== 'host');
      if (extra.length) throw new TypeError(`an unbound core takes only "host" imports, not ${extra.join(', ')}`);
      table = { ...UNAVAILABLE_CRYPTO, ...(imports.host ?? {}) };
    },
  };
}

/** Stand-ins for the packet protection imports (host/crypto/core-imports.ts provides the real ones). */
const UNAVAILABLE_CRYPTO: Record<string, WebAssembly.ImportValue> = {
  aeadSeal: () => -1,
  aeadOpen: () => -1,
  hpMask: () => -1,
  // No keys, no servers: a client Initial for an unknown CID cannot be authenticated (host/crypto/initial-probe.ts).
  initialProbeKeys: () => -1,
  // No Retry integrity keys: a Retry is neither sent nor followed (host/crypto/retry-imports.ts binds the real ones).
  retryTag: () => -1,
  pathAddress: () => 0,
  // qlog taps are only called after endpointSetQlog(1); host/transport/qlog/tap.ts binds the real one.
  qlogPacket: () => {},
  // Only called for CID_GEN_HOST (endpointSetCidGenerator); 0 = use random bytes.
  cidGenerate: () => 0,
};
