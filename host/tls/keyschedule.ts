// The TLS 1.3 key schedule (RFC 9846 §7.1) and the transcript hash (§4.4.1).

import { PreparedKey, digest, hkdfExtract, hkdfExpandLabel, hashLength, hmac, runningHash, type HashName, type RunningHash } from '../crypto/hkdf';

/**
 * A running transcript hash. With a backend that has a running hash (@noble's, the
 * portable one: SHA-256 from hmac-sha256.ts), each message is hashed once, when added,
 * and a digest is the last block or two: a server's transcript (4 digests) costs ≈ 14 µs
 * instead of ≈ 54 (bench/key-schedule.ts), and the transcript holds the hash state, not
 * the messages. Otherwise (node:crypto's backend today) the messages are kept and hashed
 * again for each digest: OpenSSL hashes a 1 KiB transcript in about the time JS takes
 * for the calls around it, ≈ 3 µs a digest.
 */
export class Transcript {
  private parts: Uint8Array[] = [];
  private running: RunningHash | null;
  constructor(readonly hash: HashName) {
    this.running = runningHash(hash);
  }

  add(msg: Uint8Array): void {
    if (this.running) this.running.update(msg);
    else this.parts.push(msg);
  }

  /**
   * Joins the messages so far into one array: a server waiting for the client's
   * Finished then holds one copy of its transcript, not the messages and the buffers
   * they were cut from (issue 17: the state of a half-open connection). A running hash
   * holds neither.
   */
  compact(): void {
    if (this.parts.length < 2) return;
    let n = 0;
    for (const p of this.parts) n += p.length;
    const all = new Uint8Array(n);
    n = 0;
    for (const p of this.parts) { all.set(p, n); n += p.length; }
    this.parts = [all];
  }

  /** Hash of everything added so far. */
  digest(): Uint8Array {
    return this.running ? this.running.digest() : digest(this.hash, ...this.parts);
  }

  /** Hash of everything added so far followed by `extra` (not added): PSK binders hash a truncated ClientHello. */
  digestWith(extra: Uint8Array): Uint8Array {
    return this.running ? this.running.digest(extra) : digest(this.hash, ...this.parts, extra);
  }

  /** Replaces ClientHello1 by message_hash for HelloRetryRequest (§4.4.1). */
  replaceWithMessageHash(): void {
    const d = this.digest();
    const mh = new Uint8Array(4 + d.length);
    mh[0] = 254; mh[3] = d.length;
    mh.set(d, 4);
    this.parts = [];
    if (this.running) this.running = runningHash(this.hash);
    this.add(mh);
  }
}

/**
 * The early, handshake and master secrets a KeySchedule holds, by array, with their HMAC
 * midstates (hkdf.ts PreparedKey): each derives two or three secrets (c/s hs traffic and
 * "derived"; c/s ap traffic and res master), and the engines call deriveSecret with the
 * array itself. Weak: an entry goes with its array; the schedule also deletes (and
 * wipes) it when the secret has no further use. Keyed by identity: like every secret
 * here, these arrays are never written to.
 */
const prepared = new WeakMap<Uint8Array, PreparedKey>();

/** Derive-Secret(secret, label, messages) with the messages already hashed. */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  const k = prepared.get(secret);
  if (k && k.hash === hash) return k.expandLabel(label, transcriptHash, hashLength(hash));
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

/** `secret` made ready for deriveSecret. */
function prepare(hash: HashName, secret: Uint8Array): Uint8Array {
  prepared.set(secret, new PreparedKey(hash, secret));
  return secret;
}

/** Wipes and drops what prepare made (a no-op for a secret it did not make ready). */
function unprepare(secret: Uint8Array): void {
  const k = prepared.get(secret);
  if (!k) return;
  k.release();
  prepared.delete(secret);
}

const EMPTY = new Uint8Array(0);

/** Hash of the empty string per hash: a constant, computed once (callers only read it). */
const emptyHashes = new Map<string, Uint8Array>();

function emptyHash(hash: HashName): Uint8Array {
  let h = emptyHashes.get(hash);
  if (!h) { h = digest(hash); emptyHashes.set(hash, h); }
  return h;
}

/**
 * Without a PSK the early secret is HKDF-Extract(0, 0) and the salt of the handshake
 * secret is Derive-Secret(early, "derived", "") (RFC 9846 §7.1): constants per hash,
 * computed once (two HMACs of every full handshake). Public values: anyone computes them,
 * so the salt is kept made ready as an HMAC key (two compressions fewer per handshake).
 */
const noPsk = new Map<string, { early: Uint8Array; derived: PreparedKey }>();

function noPskSecrets(hash: HashName): { early: Uint8Array; derived: PreparedKey } {
  let c = noPsk.get(hash);
  if (!c) {
    const len = hashLength(hash);
    const early = hkdfExtract(hash, new Uint8Array(len), new Uint8Array(len));
    c = { early, derived: new PreparedKey(hash, deriveSecret(hash, early, 'derived', emptyHash(hash))) };
    noPsk.set(hash, c);
  }
  return c;
}

/** The secrets of one handshake, derived step by step. */
export class KeySchedule {
  readonly len: number;
  earlySecret: Uint8Array<ArrayBufferLike>;
  handshakeSecret: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  masterSecret: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  /** No PSK: the early secret is the shared constant (never written to, like every secret here). */
  private readonly withoutPsk: boolean;

  constructor(readonly hash: HashName, psk?: Uint8Array) {
    this.len = hashLength(hash);
    this.withoutPsk = psk === undefined;
    // With a PSK, the early secret derives the binder key, c e traffic and "derived".
    this.earlySecret = psk === undefined ? noPskSecrets(hash).early : prepare(hash, hkdfExtract(hash, new Uint8Array(this.len), psk));
  }

  /** Moves to the handshake secret with the (EC)DHE shared secret: a PSK's early secret has no further use. */
  handshake(shared: Uint8Array): void {
    const h = this.hash;
    if (this.withoutPsk) {
      this.handshakeSecret = prepare(h, noPskSecrets(h).derived.extract(shared));
      return;
    }
    const derived = deriveSecret(h, this.earlySecret, 'derived', emptyHash(h));
    unprepare(this.earlySecret);
    this.handshakeSecret = prepare(h, hkdfExtract(h, derived, shared));
  }

  /** Moves to the master secret: the handshake secret's midstates are wiped (its last use). */
  master(): void {
    const derived = deriveSecret(this.hash, this.handshakeSecret, 'derived', emptyHash(this.hash));
    unprepare(this.handshakeSecret);
    this.masterSecret = prepare(this.hash, hkdfExtract(this.hash, derived, new Uint8Array(this.len)));
  }

  /** The PSK binder over `transcriptHash` (§4.2.11.2): a Finished MAC keyed from the binder key. */
  binder(resumption: boolean, transcriptHash: Uint8Array): Uint8Array {
    const binderKey = deriveSecret(this.hash, this.earlySecret, resumption ? 'res binder' : 'ext binder', emptyHash(this.hash));
    return this.finished(binderKey, transcriptHash);
  }

  /** client_early_traffic_secret (0-RTT keys) from the ClientHello's transcript hash. */
  clientEarlyTraffic(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.earlySecret, 'c e traffic', transcriptHash);
  }

  /** The PSK a NewSessionTicket carries (§4.6.1): resumption_master_secret expanded with the ticket's nonce. */
  ticketPsk(transcriptThroughClientFinished: Uint8Array, nonce: Uint8Array): Uint8Array {
    return this.ticketPskFrom(this.resumptionMaster(transcriptThroughClientFinished), nonce);
  }

  /** resumption_master_secret (§7.1) from the transcript hash through the client's Finished. */
  resumptionMaster(transcriptThroughClientFinished: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.masterSecret, 'res master', transcriptThroughClientFinished);
  }

  /** A ticket's PSK from the resumption master secret and the ticket's nonce (§4.6.1). */
  ticketPskFrom(resumptionMaster: Uint8Array, nonce: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.hash, resumptionMaster, 'resumption', nonce, this.len);
  }

  /** Drops the early, handshake and master secrets once nothing more derives from them. */
  forget(): void {
    unprepare(this.earlySecret);
    unprepare(this.handshakeSecret);
    unprepare(this.masterSecret);
    this.earlySecret = EMPTY;
    this.handshakeSecret = EMPTY;
    this.masterSecret = EMPTY;
  }

  /** verify_data for Finished (§4.4.4). */
  finished(baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    const key = hkdfExpandLabel(this.hash, baseKey, 'finished', new Uint8Array(0), this.len);
    return hmac(this.hash, key, transcriptHash);
  }
}
