// The key schedule's CPU per handshake side (issue 19): HMAC-SHA-256, QUIC packet keys
// from a secret (RFC 9001 §5.1: key, iv, hp), the TLS 1.3 key schedule of a full
// handshake (RFC 9846 §7.1), and every key derivation one endpoint makes in a handshake
// (Initial secrets and keys, handshake and 1-RTT packet keys, the next key phase's), and
// a server's transcript hash (the portable backend's running hash; node:crypto's as it is,
// next to an idea for it).
// Each measurement runs next to "before": a frozen copy of the code before HMAC keys were
// made ready once (one HMAC from the raw key per call, four SHA-256 compressions for a
// short message; below), interleaved round by round in this process (the machine is
// shared and noisy: compare within a run, read the medians).
//   node --require ./bench/register.cjs bench/key-schedule.ts [--quick]

import { createHash, createHmac, randomBytes, type Hash } from 'node:crypto';
import { hmacSha256, hmacSha256Key, hmacSha256With, K, IV } from '../host/crypto/hmac-sha256';
import { digest, nobleHashBackend, type HashBackend } from '../host/crypto/hkdf';
import { initialSecrets, nextGenerationSecret, packetKeyMaterial, QUIC_V1 } from '../host/crypto/quic-keys';
import { Suite } from '../host/crypto/suites';
import { KeySchedule, Transcript, deriveSecret } from '../host/tls/keyschedule';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';
import { nowNs, report, type BenchRow } from './lib';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 7 : 21;
const PER_ROUND = quick ? 300 : 1000;

// --- before: host/crypto/hmac-sha256.ts and hkdf.ts's HKDF-Expand-Label at 5d8d3cc ---

// The constants (FIPS 180-4) are the current file's: the same numbers.
const oH = new Int32Array(8), oW = new Int32Array(64), oBlock = new Uint8Array(64), oPad = new Uint8Array(64), oInner = new Uint8Array(32);
let oFilled = 0, oTotal = 0;

function oCompress(): void {
  const block = oBlock, W = oW, H = oH;
  for (let i = 0; i < 16; i++) W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15], b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
}
function oStart(): void { oH.set(IV); oFilled = 0; oTotal = 0; }
function oUpdate(data: Uint8Array): void {
  const n = data.length;
  oTotal += n;
  for (let i = 0; i < n; ) {
    while (oFilled < 64 && i < n) oBlock[oFilled++] = data[i++];
    if (oFilled === 64) { oCompress(); oFilled = 0; }
  }
}
function oFinish(out: Uint8Array, at: number): void {
  oBlock[oFilled++] = 0x80;
  if (oFilled > 56) { oBlock.fill(0, oFilled); oCompress(); oFilled = 0; }
  oBlock.fill(0, oFilled, 56);
  const bits = oTotal * 8;
  const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
  oBlock[56] = hi >>> 24; oBlock[57] = hi >>> 16; oBlock[58] = hi >>> 8; oBlock[59] = hi;
  oBlock[60] = lo >>> 24; oBlock[61] = lo >>> 16; oBlock[62] = lo >>> 8; oBlock[63] = lo;
  oCompress();
  for (let i = 0; i < 8; i++) {
    const v = oH[i];
    out[at + 4 * i] = v >>> 24; out[at + 4 * i + 1] = v >>> 16; out[at + 4 * i + 2] = v >>> 8; out[at + 4 * i + 3] = v;
  }
}
function beforeHmac(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  oPad.fill(0);
  if (key.length > 64) { oStart(); oUpdate(key); oFinish(oPad, 0); } else oPad.set(key);
  for (let i = 0; i < 64; i++) oPad[i] ^= 0x36;
  oStart(); oUpdate(oPad);
  for (const p of parts) oUpdate(p);
  oFinish(oInner, 0);
  for (let i = 0; i < 64; i++) oPad[i] ^= 0x36 ^ 0x5c;
  oStart(); oUpdate(oPad); oUpdate(oInner);
  const out = new Uint8Array(32);
  oFinish(out, 0);
  oPad.fill(0); oInner.fill(0); oBlock.fill(0); oW.fill(0);
  return out;
}
const labelBytes = new Map<string, Uint8Array>();
function beforeExpandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  let lb = labelBytes.get(label);
  if (!lb) labelBytes.set(label, (lb = new TextEncoder().encode('tls13 ' + label)));
  const infoLen = 2 + 1 + lb.length + 1 + context.length;
  const info = new Uint8Array(infoLen + 1);
  info[0] = length >>> 8; info[1] = length & 0xff; info[2] = lb.length;
  info.set(lb, 3);
  info[3 + lb.length] = context.length;
  info.set(context, 4 + lb.length);
  info[infoLen] = 1;
  const t = beforeHmac(secret, [info]);
  return t.length === length ? t : t.slice(0, length);
}
const EMPTY = new Uint8Array(0);
const SALT_V1 = Uint8Array.from(Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'));
const emptyHash = digest('sha256');
const beforeEarly = beforeHmac(new Uint8Array(32), [new Uint8Array(32)]);
const beforeDerived0 = beforeExpandLabel(beforeEarly, 'derived', emptyHash, 32); // a constant before too
function beforePacketKeys(secret: Uint8Array): { key: Uint8Array; iv: Uint8Array; hp: Uint8Array } {
  return { key: beforeExpandLabel(secret, 'quic key', EMPTY, 16), iv: beforeExpandLabel(secret, 'quic iv', EMPTY, 12), hp: beforeExpandLabel(secret, 'quic hp', EMPTY, 16) };
}

// --- the steps measured, before and now, with the same inputs ---

const shared = randomBytes(32), th1 = randomBytes(32), th2 = randomBytes(32), th3 = randomBytes(32), th4 = randomBytes(32);

/** One side's TLS key schedule of a full handshake without PSK, as server.ts runs it. */
function scheduleBefore(): Uint8Array[] {
  const hs = beforeHmac(beforeDerived0, [shared]);
  const cHs = beforeExpandLabel(hs, 'c hs traffic', th1, 32), sHs = beforeExpandLabel(hs, 's hs traffic', th1, 32);
  const sFin = beforeHmac(beforeExpandLabel(sHs, 'finished', EMPTY, 32), [th2]);
  const ms = beforeHmac(beforeExpandLabel(hs, 'derived', emptyHash, 32), [new Uint8Array(32)]);
  const sAp = beforeExpandLabel(ms, 's ap traffic', th3, 32), cAp = beforeExpandLabel(ms, 'c ap traffic', th3, 32);
  const cFin = beforeHmac(beforeExpandLabel(cHs, 'finished', EMPTY, 32), [th4]);
  return [cHs, sHs, sFin, sAp, cAp, cFin];
}
function scheduleNow(): Uint8Array[] {
  const ks = new KeySchedule('sha256');
  ks.handshake(shared);
  const cHs = deriveSecret('sha256', ks.handshakeSecret, 'c hs traffic', th1), sHs = deriveSecret('sha256', ks.handshakeSecret, 's hs traffic', th1);
  const sFin = ks.finished(sHs, th2);
  ks.master();
  const sAp = deriveSecret('sha256', ks.masterSecret, 's ap traffic', th3), cAp = deriveSecret('sha256', ks.masterSecret, 'c ap traffic', th3);
  const cFin = ks.finished(cHs, th4);
  ks.forget();
  return [cHs, sHs, sFin, sAp, cAp, cFin];
}

/** Every derivation of one side: Initial (a new DCID), the schedule, packet keys of 2 + 2 secrets, the next key phase's. */
function sideBefore(dcid: Uint8Array): number {
  const prk = beforeHmac(SALT_V1, [dcid]);
  const c = beforeExpandLabel(prk, 'client in', EMPTY, 32), s = beforeExpandLabel(prk, 'server in', EMPTY, 32);
  let n = beforePacketKeys(c).key[0] + beforePacketKeys(s).key[0];
  const [cHs, sHs, , sAp, cAp] = scheduleBefore();
  for (const secret of [cHs, sHs]) n += beforePacketKeys(secret).key[0];
  for (const secret of [sAp, cAp]) {
    n += beforePacketKeys(secret).key[0];
    n += beforePacketKeys(beforeExpandLabel(secret, 'quic ku', EMPTY, 32)).key[0];
  }
  return n;
}
function sideNow(dcid: Uint8Array): number {
  const i = initialSecrets(QUIC_V1, dcid);
  let n = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, i.client).key[0] + packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, i.server).key[0];
  const [cHs, sHs, , sAp, cAp] = scheduleNow();
  for (const secret of [cHs, sHs]) n += packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, secret).key[0];
  for (const secret of [sAp, cAp]) {
    n += packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, secret).key[0];
    n += packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, nextGenerationSecret(QUIC_V1, Suite.Aes128Gcm, secret)).key[0];
  }
  return n;
}

/** The transcript before: the messages kept, all hashed again by the backend for each digest. */
class TranscriptBefore {
  private parts: Uint8Array[] = [];
  constructor(private readonly backend: HashBackend) {}
  add(m: Uint8Array): void { this.parts.push(m); }
  digest(): Uint8Array { return this.backend.digest('sha256', this.parts); }
}
/** An idea for node:crypto's backend (handshake-node.ts): one Hash kept, a copy() digested each time. */
class TranscriptNodeCopy {
  private h: Hash = createHash('sha256');
  add(m: Uint8Array): void { this.h.update(m); }
  digest(): Uint8Array { return this.h.copy().digest(); }
}
// A server's transcript of a full handshake with a P-256 certificate (the sizes
// bench/handshake-costs.ts sees, roughly) and when server.ts asks for its hash.
const MESSAGES = [randomBytes(290), randomBytes(90), randomBytes(110), randomBytes(420), randomBytes(80), randomBytes(36)];
const DIGEST_AFTER = [false, true, false, true, true, true];
function transcript(t: { add(m: Uint8Array): void; digest(): Uint8Array }): number {
  let n = 0;
  for (let i = 0; i < MESSAGES.length; i++) {
    t.add(MESSAGES[i]);
    if (DIGEST_AFTER[i]) n += t.digest()[0];
  }
  return n;
}

// --- the same answers first ---

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
{
  const key = randomBytes(32), msg = randomBytes(55);
  const want = createHmac('sha256', key).update(msg).digest('hex');
  if (hex(beforeHmac(key, [msg])) !== want || hex(hmacSha256(key, [msg])) !== want || hex(hmacSha256With(hmacSha256Key(key), [msg])) !== want) throw new Error('HMAC mismatch');
  const a = beforePacketKeys(key), b = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, key);
  if (hex(a.key) + hex(a.iv) + hex(a.hp) !== hex(b.key) + hex(b.iv) + hex(b.hp)) throw new Error('packet key mismatch');
  if (scheduleBefore().map(hex).join() !== scheduleNow().map(hex).join()) throw new Error('key schedule mismatch');
  const dcid = randomBytes(8);
  if (sideBefore(dcid) !== sideNow(dcid)) throw new Error('per-side derivation mismatch');
  const t = transcript(new TranscriptBefore(nodeHandshakeCrypto.hashes));
  if (t !== transcript(new TranscriptBefore(nobleHashBackend)) || t !== transcript(new Transcript('sha256')) || t !== transcript(new TranscriptNodeCopy())) throw new Error('transcript mismatch');
}

// --- interleaved rounds ---

const key32 = randomBytes(32), msg55 = randomBytes(55), prepared = hmacSha256Key(key32);
const secrets = Array.from({ length: 64 }, () => randomBytes(32));
const dcids = Array.from({ length: 64 }, () => randomBytes(8));
let sink = 0;

interface Case { group: string; name: string; fn: (i: number) => void }
const CASES: Case[] = [
  { group: 'HMAC-SHA-256, 32-byte key, 55-byte message (a Derive-Secret)', name: 'before', fn: () => { sink += beforeHmac(key32, [msg55])[0]; } },
  { group: 'HMAC-SHA-256, 32-byte key, 55-byte message (a Derive-Secret)', name: 'now, from the key', fn: () => { sink += hmacSha256(key32, [msg55])[0]; } },
  { group: 'HMAC-SHA-256, 32-byte key, 55-byte message (a Derive-Secret)', name: 'now, key made ready', fn: () => { sink += hmacSha256With(prepared, [msg55])[0]; } },
  { group: 'HMAC-SHA-256, 32-byte key, 55-byte message (a Derive-Secret)', name: 'making a key ready', fn: () => { sink += hmacSha256Key(key32, prepared)[0]; } },
  { group: 'HMAC-SHA-256, 32-byte key, 55-byte message (a Derive-Secret)', name: 'node:crypto createHmac', fn: () => { sink += createHmac('sha256', key32).update(msg55).digest()[0]; } },
  { group: 'QUIC packet keys from a secret (key, iv, hp; AES-128-GCM)', name: 'before', fn: (i) => { sink += beforePacketKeys(secrets[i & 63]).key[0]; } },
  { group: 'QUIC packet keys from a secret (key, iv, hp; AES-128-GCM)', name: 'now', fn: (i) => { sink += packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, secrets[i & 63]).key[0]; } },
  { group: 'TLS key schedule of one side, full handshake (4 secrets, 2 Finished)', name: 'before', fn: () => { sink += scheduleBefore()[0][0]; } },
  { group: 'TLS key schedule of one side, full handshake (4 secrets, 2 Finished)', name: 'now', fn: () => { sink += scheduleNow()[0][0]; } },
  { group: 'a server\'s transcript: 6 messages (1,026 bytes), 4 digests', name: 'before, @noble/hashes', fn: () => { sink += transcript(new TranscriptBefore(nobleHashBackend)); } },
  { group: 'a server\'s transcript: 6 messages (1,026 bytes), 4 digests', name: 'now, @noble (running)', fn: () => { sink += transcript(new Transcript('sha256')); } },
  { group: 'a server\'s transcript: 6 messages (1,026 bytes), 4 digests', name: 'node:crypto (unchanged)', fn: () => { sink += transcript(new TranscriptBefore(nodeHandshakeCrypto.hashes)); } },
  { group: 'a server\'s transcript: 6 messages (1,026 bytes), 4 digests', name: 'idea: node Hash, copy()', fn: () => { sink += transcript(new TranscriptNodeCopy()); } },
  { group: 'every key derivation of one side (Initial, schedule, 6 sets of packet keys, 2 ku)', name: 'before', fn: (i) => { sink += sideBefore(dcids[i & 63]); } },
  { group: 'every key derivation of one side (Initial, schedule, 6 sets of packet keys, 2 ku)', name: 'now', fn: (i) => { sink += sideNow(dcids[i & 63]); } },
];

const samples = CASES.map(() => [] as number[]);
for (let r = -2; r < ROUNDS; r++) { // two warm-up rounds for the optimizing compiler
  for (let c = 0; c < CASES.length; c++) {
    const fn = CASES[c].fn;
    const t0 = nowNs();
    for (let i = 0; i < PER_ROUND; i++) fn(i);
    if (r >= 0) samples[c].push(Number(nowNs() - t0) / PER_ROUND / 1000);
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const rows: BenchRow[] = [];
let group = '';
let before = 0;
console.log(`\n  ${''.padEnd(28)} ${'median µs'.padStart(10)} ${'best µs'.padStart(8)} ${'vs before'.padStart(9)}`);
CASES.forEach((c, i) => {
  if (c.group !== group) { group = c.group; console.log(`  ${group}`); before = median(samples[i]); }
  const m = median(samples[i]), best = Math.min(...samples[i]);
  console.log(`    ${c.name.padEnd(26)} ${m.toFixed(2).padStart(10)} ${best.toFixed(2).padStart(8)} ${(m / before).toFixed(2).padStart(8)}×`);
  rows.push({ name: `${c.group}: ${c.name}`, value: m, unit: 'µs', extra: { best: +best.toFixed(3), vsBefore: +(m / before).toFixed(3) } });
});
report('key-schedule', rows, [`${ROUNDS} interleaved rounds of ${PER_ROUND}, medians; "before" is the code at 5d8d3cc, frozen in this file`, `checksum ${sink & 0xff}`]);
