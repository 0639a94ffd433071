// A bounded LRU of successful chain verifications, so that a client reconnecting to
// the same server (or a server seeing the same client certificate) pays for the
// signature checks once. The key is a SHA-256 over everything the result depends on:
// purpose, server name, the trust-anchor set (its certificates, in order: an anchor's
// name constraints are part of the result) and the DER chain. Only successes are
// stored, each with its validity window (the latest notBefore and earliest notAfter of
// every certificate in the chain): outside it the entry is dropped and the chain is
// verified again, so a cached answer is never one a fresh verification would not give.
// Failures are never stored: each one is re-verified (and reported) in full.

import { digest } from '../../crypto/hkdf';
import { verifyCertificateChain, type VerifyOptions, type VerifyResult } from './verify';
import type { Certificate } from './x509';

type Success = Extract<VerifyResult, { ok: true }>;

export interface VerificationCacheOptions {
  /** Entries kept (least recently used evicted first). Default 256. */
  capacity?: number;
}

/**
 * Digest of one anchor's DER, remembered per buffer (an anchor's bytes are treated as
 * immutable), and of an anchor list, remembered per array together with the buffers it
 * held: a lookup compares those by reference (cheap for ~150 roots), so replacing,
 * adding or removing an anchor in the same array (say, a distrusted root) takes effect
 * on the next handshake.
 */
const anchorDigests = new WeakMap<Uint8Array, Uint8Array>();
const setDigests = new WeakMap<readonly Uint8Array[], { members: Uint8Array[]; digest: Uint8Array }>();

function anchorSetDigest(anchors: readonly Uint8Array[]): Uint8Array {
  const known = setDigests.get(anchors);
  if (known && known.members.length === anchors.length && known.members.every((m, i) => m === anchors[i])) return known.digest;
  const parts: Uint8Array[] = [u32(anchors.length)];
  for (const a of anchors) {
    let d = anchorDigests.get(a);
    if (!d) { d = digest('sha256', a); anchorDigests.set(a, d); }
    parts.push(d);
  }
  const d = digest('sha256', ...parts);
  setDigests.set(anchors, { members: anchors.slice(), digest: d });
  return d;
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The cache key: every input is length-prefixed, so no two different inputs share an
 * encoding. SHA-256 through the handshake's hash backend (node:crypto where the entry
 * installed it: one native call per handshake instead of hashing the chain in JS).
 */
function cacheKey(chain: Uint8Array[], opts: VerifyOptions): string {
  const parts: Uint8Array[] = [];
  const text = (s: string) => { const b = encoder.encode(s); parts.push(u32(b.length), b); };
  text(opts.purpose);
  // undefined (no name check) and "" differ.
  if (opts.serverName === undefined) parts.push(Uint8Array.of(0)); else { parts.push(Uint8Array.of(1)); text(opts.serverName); }
  parts.push(anchorSetDigest(opts.trustAnchors), u32(chain.length));
  for (const c of chain) parts.push(u32(c.length), c);
  let key = '';
  for (const b of digest('sha256', ...parts)) key += HEX[b];
  return key;
}

interface Entry {
  leaf: Certificate;
  validFrom: number;
  validUntil: number;
}

export class CertificateVerificationCache {
  private readonly entries = new Map<string, Entry>();
  readonly capacity: number;
  /** Answers from the cache, and verifications run (misses, expired entries, failures). */
  hits = 0;
  misses = 0;

  constructor(opts: VerificationCacheOptions = {}) {
    this.capacity = opts.capacity ?? 256;
    if (!(this.capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  /** verifyCertificateChain, answered from the cache when this exact question succeeded before and still holds now. Never throws. */
  verify(chain: Uint8Array[], opts: VerifyOptions): VerifyResult {
    let key: string;
    try { key = cacheKey(chain, opts); } catch { return verifyCertificateChain(chain, opts); }
    const now = (opts.now ?? new Date()).getTime();
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      if (now >= hit.validFrom && now <= hit.validUntil) {
        this.entries.set(key, hit); // most recently used goes last
        this.hits++;
        const result: Success = { ok: true, leaf: hit.leaf, validFrom: new Date(hit.validFrom), validUntil: new Date(hit.validUntil) };
        return result;
      }
    }
    this.misses++;
    const r = verifyCertificateChain(chain, opts);
    if (r.ok) {
      this.entries.set(key, { leaf: r.leaf, validFrom: r.validFrom.getTime(), validUntil: r.validUntil.getTime() });
      while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    return r;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache the TLS client and server use unless given their own (or null). */
export const defaultVerificationCache = new CertificateVerificationCache();

/** Chain verification through `cache`: undefined uses the process-wide one, null none. */
export function verifyChainWith(cache: CertificateVerificationCache | null | undefined, chain: Uint8Array[], opts: VerifyOptions): VerifyResult {
  if (cache === null) return verifyCertificateChain(chain, opts);
  return (cache ?? defaultVerificationCache).verify(chain, opts);
}
