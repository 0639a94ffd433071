// A connection's timer table (STYLE.md point 3): one deadline per kind, written by the
// room that owns the kind (loss.ts the loss timer, ack.ts the ACK deadline, connection.ts
// idle, keep-alive and close, keyupdate.ts key discard, transmit.ts the pacer, path.ts
// path validation). The
// table keeps its minimum, so nextTimeout() is a read; when the minimum moves it tells
// the endpoint (deadlineSink), which moves the connection in its heap. Every write costs
// a constant: eight slots, one heap update.
//
// While closing or draining (RFC 9000 §10.2) only the CLOSE slot counts: the others are
// cleared once and later writes to them are ignored, so a room need not know the state.
//
// A server with no amplification budget left on an unvalidated path (RFC 9000 §8.1,
// §9.3) can send nothing, so a due ACK or pacer wake-up would fire again at once:
// path.ts holds those two slots (holdSending) until bytes from the peer or a validation
// give it budget again. Held slots keep their values but do not count in the minimum.

export namespace TimerKind {
  /** Loss detection: time threshold or PTO (RFC 9002 §6). */
  export const LOSS: i32 = 0;
  /** An ACK is due in some space (RFC 9000 §13.2.1). */
  export const ACK: i32 = 1;
  /** The idle timeout (RFC 9000 §10.1). */
  export const IDLE: i32 = 2;
  /** The end of the closing or draining period (RFC 9000 §10.2). */
  export const CLOSE: i32 = 3;
  /** Previous 1-RTT read keys are discarded (RFC 9001 §6.5). */
  export const KEY_DISCARD: i32 = 4;
  /** A keep-alive PING is due. */
  export const KEEP_ALIVE: i32 = 5;
  /** The pacer lets data go again (RFC 9002 §7.7). */
  export const PACER: i32 = 6;
  /** Path validation: a fresh PATH_CHALLENGE, or abandoning the path (RFC 9000 §8.2.4). */
  export const PATH: i32 = 7;
  /** One field each in TimerTable (at0 .. at7): a kind added here needs its field there. */
  export const COUNT: i32 = 8;
}

function ignore(handle: i32): void {}

/**
 * Called with a connection's handle when its earliest deadline moved. The endpoint
 * installs its heap update here; a connection outside an endpoint (the testing build)
 * leaves the no-op.
 */
export let deadlineSink: (handle: i32) => void = ignore;

/** Installs the endpoint's heap update (endpoint.ts, once). */
export function setDeadlineSink(f: (handle: i32) => void): void {
  deadlineSink = f;
}

// TimerTable's word: the handle below, the flags in the top three bits.
const HANDLE_MASK: u32 = 0x1fffffff;
const FLAG_CLOSING: u32 = 1 << 29;
const FLAG_CLOSED: u32 = 1 << 30;
const FLAG_HELD: u32 = 1 << 31;

@final
export class TimerTable {
  // The deadline per TimerKind, µs (+Infinity: none): eight consecutive fields addressed
  // by kind (slot()), not an array of their own (issue 17: 48 bytes less a connection).
  private at0: f64 = Infinity;
  private at1: f64 = Infinity;
  private at2: f64 = Infinity;
  private at3: f64 = Infinity;
  private at4: f64 = Infinity;
  private at5: f64 = Infinity;
  private at6: f64 = Infinity;
  private at7: f64 = Infinity;
  /** The minimum of the deadlines. */
  min: f64 = Infinity;
  /**
   * The connection's handle (low 29 bits: the endpoint's handles stay below 2^21) and
   * three flags above it, in one word: 76 bytes of fields, so the table takes a 96-byte
   * heap block, not 112 (issue 17).
   */
  private word: u32;

  constructor(handle: i32) { this.word = <u32>handle & HANDLE_MASK; }

  /** The connection's handle (what deadlineSink is told). */
  get handle(): i32 { return <i32>(this.word & HANDLE_MASK); }
  /** Closing or draining: only CLOSE is kept. Closed: nothing is. */
  get closing(): bool { return (this.word & FLAG_CLOSING) != 0; }
  get closed(): bool { return (this.word & FLAG_CLOSED) != 0; }
  /** ACK and PACER do not count in `min` (path.ts: a server out of amplification budget). */
  get sendingHeld(): bool { return (this.word & FLAG_HELD) != 0; }

  /** Address of the deadline of `kind` (0 <= kind < TimerKind.COUNT). */
  // @ts-ignore: decorator
  @inline private slot(kind: i32): usize {
    return changetype<usize>(this) + offsetof<TimerTable>("at0") + (<usize>kind << 3);
  }

  get(kind: i32): f64 {
    return load<f64>(this.slot(kind));
  }

  /** The owner of `kind` sets its deadline (+Infinity to clear). */
  set(kind: i32, t: f64): void {
    const w = this.word;
    if ((w & FLAG_CLOSED) != 0 || ((w & FLAG_CLOSING) != 0 && kind != TimerKind.CLOSE)) return;
    const old = load<f64>(this.slot(kind));
    if (old == t) return;
    store<f64>(this.slot(kind), t);
    if ((w & FLAG_HELD) != 0 && (kind == TimerKind.ACK || kind == TimerKind.PACER)) return; // not in `min` while held
    if (t < this.min) { this.min = t; deadlineSink(this.handle); }
    else if (old == this.min) this.refreshMin();
  }

  /** Holds (or releases) the ACK and PACER slots: they keep their values but leave `min`. */
  holdSending(on: bool): void {
    if (this.sendingHeld == on) return;
    this.word = on ? this.word | FLAG_HELD : this.word & ~FLAG_HELD;
    this.refreshMin();
  }

  /** §10.2: closing or draining; every slot but CLOSE is cleared and stays so. */
  enterClosing(): void {
    this.word |= FLAG_CLOSING;
    for (let k = 0; k < TimerKind.COUNT; k++) if (k != TimerKind.CLOSE) store<f64>(this.slot(k), Infinity);
    this.refreshMin();
  }

  /** Closed: no deadline any more. */
  clear(): void {
    this.word |= FLAG_CLOSED;
    for (let k = 0; k < TimerKind.COUNT; k++) store<f64>(this.slot(k), Infinity);
    this.refreshMin();
  }

  private refreshMin(): void {
    let m: f64 = Infinity;
    const held = this.sendingHeld;
    for (let k = 0; k < TimerKind.COUNT; k++) {
      if (held && (k == TimerKind.ACK || k == TimerKind.PACER)) continue;
      const t = load<f64>(this.slot(k));
      if (t < m) m = t;
    }
    if (m != this.min) { this.min = m; deadlineSink(this.handle); }
  }
}
