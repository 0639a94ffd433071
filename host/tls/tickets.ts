// Server-side session tickets (RFC 9846 §4.6.1, stateless): the resumption state is
// sealed with AES-256-GCM under a ticket key only the server (or its cluster) knows, and
// handed to the client as an opaque ticket (through the handshake crypto seam: OpenSSL
// in Node, Deno and Bun, whose AES is constant-time; @noble/ciphers in the browser and
// where a custom seam has no ticket AEAD). Several keys allow rotation: the first seals,
// all of them open. A ticket that does not open, is expired or is malformed is simply not
// used (full handshake), never an error.

import { sha256 } from '@noble/hashes/sha2.js';
import { Reader, Writer, constantTimeEqual } from './bytes';
import { SUITES, suiteFromTls, type Suite } from '../crypto/suites';
import { handshakeCrypto } from './handshake-crypto';
import { portableHandshakeCrypto as portable } from './handshake-portable';

/** What a ticket remembers about the connection that issued it. */
export interface TicketState {
  suite: Suite;
  psk: Uint8Array;
  /** Issue time, milliseconds (the issuer's clock). */
  issuedAt: number;
  ageAdd: number;
  lifetimeSeconds: number;
  /** 0 = no 0-RTT with this ticket; QUIC's value 0xffffffff otherwise. */
  maxEarlyData: number;
  alpn: string;
  serverName?: string;
  /** The client's certificate (leaf, DER) if it authenticated; resumption keeps that identity. */
  clientCertificate?: Uint8Array;
  /** Opaque bytes from the application or transport (e.g. what 0-RTT must still match). */
  appData?: Uint8Array;
}

export interface SessionTicketOptions {
  /** 32-byte keys, newest first (default: one random key, so tickets die with the process). */
  keys?: Uint8Array[];
  /** Ticket lifetime (default 1 day, at most 7 days per §4.6.1). */
  lifetimeSeconds?: number;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
}

const FORMAT = 1;
const MAX_LIFETIME = 7 * 24 * 3600;

/** Seals and opens tickets; share one per server (endpoint) so every connection can resume. */
export class SessionTicketIssuer {
  private keys: { id: Uint8Array; key: Uint8Array }[] = [];
  readonly lifetimeSeconds: number;
  readonly now: () => number;

  constructor(opts: SessionTicketOptions = {}) {
    const keys = opts.keys ?? [crypto.getRandomValues(new Uint8Array(32))];
    if (!keys.length) throw new RangeError('SessionTicketIssuer needs at least one key');
    keys.forEach((k) => this.addKey(k, false));
    this.lifetimeSeconds = Math.min(opts.lifetimeSeconds ?? 24 * 3600, MAX_LIFETIME);
    if (!(this.lifetimeSeconds > 0)) throw new RangeError('lifetimeSeconds must be positive');
    this.now = opts.now ?? Date.now;
  }

  /** Makes `key` the sealing key; older keys still open tickets until removed. */
  rotate(key: Uint8Array, keepOld = 1): void {
    this.addKey(key, true);
    this.keys.length = Math.min(this.keys.length, 1 + keepOld);
  }

  private addKey(key: Uint8Array, first: boolean): void {
    if (key.length !== 32) throw new RangeError('ticket keys are 32 bytes');
    const entry = { id: sha256(key).subarray(0, 4), key: key.slice() };
    if (first) this.keys.unshift(entry); else this.keys.push(entry);
  }

  seal(state: TicketState, random: (n: number) => Uint8Array): Uint8Array {
    const w = new Writer().u8(FORMAT).u16(SUITES[state.suite].tlsCode);
    w.u32(Math.floor(state.issuedAt / 2 ** 32)).u32(state.issuedAt >>> 0);
    w.u32(state.ageAdd).u32(state.lifetimeSeconds).u32(state.maxEarlyData).vec8(state.psk);
    w.vec8(new TextEncoder().encode(state.alpn)).vec16(new TextEncoder().encode(state.serverName ?? ''));
    w.vec16(state.clientCertificate ?? new Uint8Array(0)).vec16(state.appData ?? new Uint8Array(0));
    const { id, key } = this.keys[0];
    const nonce = random(12);
    const seal = handshakeCrypto().ticketSeal ?? portable.ticketSeal!;
    const sealed = seal(key, nonce, id, w.finish());
    return new Writer().bytes(id).bytes(nonce).bytes(sealed).finish();
  }

  /** The state inside `ticket`, or undefined if it is not ours, tampered with or expired. */
  open(ticket: Uint8Array): TicketState | undefined {
    if (ticket.length < 4 + 12 + 16) return undefined;
    const id = ticket.subarray(0, 4);
    const entry = this.keys.find((k) => constantTimeEqual(k.id, id));
    if (!entry) return undefined;
    let plain: Uint8Array | null;
    try {
      plain = (handshakeCrypto().ticketOpen ?? portable.ticketOpen!)(entry.key, ticket.subarray(4, 16), id, ticket.subarray(16));
    } catch {
      return undefined; // a custom seam that throws instead of answering null
    }
    if (!plain) return undefined;
    try {
      const r = new Reader(plain);
      if (r.u8() !== FORMAT) return undefined;
      const suite = suiteFromTls(r.u16());
      const issuedAt = r.u32() * 2 ** 32 + r.u32();
      const state: TicketState = {
        suite: suite!, issuedAt, ageAdd: r.u32(), lifetimeSeconds: r.u32(), maxEarlyData: r.u32(), psk: r.vec8().slice(),
        alpn: new TextDecoder().decode(r.vec8()),
      };
      const sn = new TextDecoder().decode(r.vec16());
      if (sn) state.serverName = sn;
      const cc = r.vec16();
      if (cc.length) state.clientCertificate = cc.slice();
      const ad = r.vec16();
      if (ad.length) state.appData = ad.slice();
      r.done('ticket');
      if (suite === undefined) return undefined;
      if (this.now() > issuedAt + state.lifetimeSeconds * 1000) return undefined;
      return state;
    } catch {
      return undefined;
    }
  }
}
