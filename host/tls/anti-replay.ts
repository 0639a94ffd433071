// The server's 0-RTT anti-replay rule (RFC 9846 §8, RFC 9001 §9.2). Early data is not
// protected against replay by TLS itself; a server accepts 0-RTT only when both hold:
//
// 1. Freshness (§8.3): the client's view of the ticket age, plus the issue time, must
//    land within `windowMs` of the server's clock. A ClientHello captured and replayed
//    later than that is refused 0-RTT (the handshake still resumes, the data goes 1-RTT).
// 2. Single use (§8.1, kept as a strike register): the ticket (PSK identity) of every
//    ClientHello whose 0-RTT was accepted is remembered for twice the freshness window.
//    A second ClientHello with the same ticket inside that time, whether a replay of the
//    same bytes or a client reusing the ticket, gets no 0-RTT (it still resumes: the
//    data goes in 1-RTT). After that time the freshness check refuses it anyway, so a
//    ticket admits 0-RTT at most once. (Recording the binder instead would only catch
//    byte-exact replays: a new ClientHello with the same ticket has a new binder.)
//
// Memory is bounded: at most `maxEntries` keys (16-byte hashes, so a few MB at the
// default 100,000); when full, 0-RTT is refused (fail safe) until entries age out. The
// record lives in this process: servers behind a load balancer share tickets but not
// this record, so they must route a client's ClientHellos to one instance or pass a
// shared AntiReplayStore.

import { sha256 } from '@noble/hashes/sha2.js';

export interface AntiReplayStore {
  /** Records `key` until `expiresAt`; false if it was already there (a replay) or the store is full. */
  admit(key: string, now: number, expiresAt: number): boolean;
}

/** An in-process AntiReplayStore with bounded memory. */
export class MemoryAntiReplayStore implements AntiReplayStore {
  private readonly entries = new Map<string, number>();
  constructor(private readonly maxEntries = 100_000) {}

  admit(key: string, now: number, expiresAt: number): boolean {
    if (this.entries.size >= this.maxEntries) this.prune(now);
    const seen = this.entries.get(key);
    if (seen !== undefined && seen > now) return false;
    if (this.entries.size >= this.maxEntries) return false;
    this.entries.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [k, exp] of this.entries) if (exp <= now) this.entries.delete(k);
  }
}

export interface AntiReplayOptions {
  /** Allowed difference between expected and actual ClientHello arrival (default 10 s). */
  windowMs?: number;
  store?: AntiReplayStore;
  now?: () => number;
}

export type EarlyDataVerdict = 'accept' | 'stale' | 'replay';

export class EarlyDataAntiReplay {
  readonly windowMs: number;
  private readonly store: AntiReplayStore;
  readonly now: () => number;

  constructor(opts: AntiReplayOptions = {}) {
    this.windowMs = opts.windowMs ?? 10_000;
    this.store = opts.store ?? new MemoryAntiReplayStore();
    this.now = opts.now ?? Date.now;
  }

  /**
   * Decides on 0-RTT for one ClientHello: `issuedAt` from the ticket, `clientTicketAge`
   * the de-obfuscated age the client reported (ms), `ticket` the PSK identity it offered.
   */
  check(issuedAt: number, clientTicketAge: number, ticket: Uint8Array): EarlyDataVerdict {
    const now = this.now();
    const expectedArrival = issuedAt + clientTicketAge;
    if (Math.abs(now - expectedArrival) > this.windowMs) return 'stale';
    let key = '';
    for (const b of sha256(ticket).subarray(0, 16)) key += b.toString(16).padStart(2, '0');
    return this.store.admit(key, now, now + 2 * this.windowMs) ? 'accept' : 'replay';
  }
}
