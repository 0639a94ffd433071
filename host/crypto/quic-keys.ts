// QUIC key derivation (RFC 9001 §5): Initial secrets from the client's first DCID,
// packet key/iv/hp from a traffic secret, and the next-generation secret for key update
// (§6.1). QUIC v2 (RFC 9369 §3.3) has its own salt and labels.

import { PreparedKey, hkdfExpandLabel } from './hkdf';
import { Suite, SUITES, IV_LENGTH } from './suites';
import { QuicArgumentError } from '../errors';

// The version numbers come from the core's declarations (assembly/wire/version.ts).
import { QUIC_V1, QUIC_V2 } from '../core/abi.generated';
export { QUIC_V1, QUIC_V2 };

// The Initial salts as HMAC keys made ready once (hkdf.ts PreparedKey): public constants,
// so their midstates may live as long as the process; two compressions fewer per new DCID.
const SALT_V1 = new PreparedKey('sha256', hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'));
const SALT_V2 = new PreparedKey('sha256', hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'));

interface Labels { key: string; iv: string; hp: string; ku: string; salt: PreparedKey }

// One object per version, not one per call.
const LABELS_V1: Labels = { key: 'quic key', iv: 'quic iv', hp: 'quic hp', ku: 'quic ku', salt: SALT_V1 };
const LABELS_V2: Labels = { key: 'quicv2 key', iv: 'quicv2 iv', hp: 'quicv2 hp', ku: 'quicv2 ku', salt: SALT_V2 };

function labels(version: number): Labels {
  if (version === QUIC_V1) return LABELS_V1;
  if (version === QUIC_V2) return LABELS_V2;
  throw new QuicArgumentError(`unsupported QUIC version 0x${(version >>> 0).toString(16)}`);
}

/** Packet protection material of one direction. */
export interface PacketKeyMaterial {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

/**
 * The last DCID's Initial derivation, remembered: a server derives the client's Initial
 * keys twice for each new connection (the core's probe opens the first packet before any
 * state exists, then the connection installs its own), and a process holding both ends
 * derives the same DCID's keys on each side (bench/handshake.ts: 5 of a server's ≈ 45
 * HMACs per handshake). Initial keys protect nothing secret (RFC 9001 §5.2: anyone
 * derives them from the DCID on the wire), so keeping them costs no secrecy. One entry:
 * a flood of random DCIDs replaces it each time and holds no more memory.
 * Every caller gets its own copies: nobody shares a buffer another may overwrite.
 */
interface InitialMemo {
  version: number;
  dcid: Uint8Array;
  /** HKDF-Extract(salt, DCID): the initial_secret, made ready for its two Expand-Labels (public, like everything here). */
  prk: PreparedKey;
  client: Uint8Array;
  server: Uint8Array | null;
  clientKeys: PacketKeyMaterial | null;
  serverKeys: PacketKeyMaterial | null;
}
let memo: InitialMemo | null = null;

function initialMemo(version: number, clientDcid: Uint8Array, withServer: boolean): InitialMemo {
  let m = memo;
  if (!m || m.version !== version || !sameBytes(m.dcid, clientDcid)) {
    const prk = new PreparedKey('sha256', labels(version).salt.extract(clientDcid));
    m = memo = {
      version, dcid: clientDcid.slice(), prk, server: null, clientKeys: null, serverKeys: null,
      client: prk.expandLabel('client in', EMPTY, 32),
    };
  }
  if (withServer && !m.server) m.server = m.prk.expandLabel('server in', EMPTY, 32);
  return m;
}

/** Client and server Initial secrets (RFC 9001 §5.2; RFC 9369 §3.3.1). */
export function initialSecrets(version: number, clientDcid: Uint8Array): { client: Uint8Array; server: Uint8Array } {
  const m = initialMemo(version, clientDcid, true);
  return { client: m.client.slice(), server: m.server!.slice() };
}

/** The client's Initial secret alone (what a server needs to open a client's first Initial). */
export function initialClientSecret(version: number, clientDcid: Uint8Array): Uint8Array {
  return initialMemo(version, clientDcid, false).client.slice();
}

/** key, iv and hp key from a traffic secret (RFC 9001 §5.1). */
export function packetKeyMaterial(version: number, suite: Suite, secret: Uint8Array): PacketKeyMaterial {
  // An Initial secret of the remembered DCID: its keys are derived once.
  const m = memo;
  if (m && suite === Suite.Aes128Gcm && version === m.version) {
    const side = sameBytes(secret, m.client) ? 'clientKeys' : m.server && sameBytes(secret, m.server) ? 'serverKeys' : null;
    if (side) {
      const k = (m[side] ??= deriveKeyMaterial(version, suite, secret));
      return { key: k.key.slice(), iv: k.iv.slice(), hp: k.hp.slice() };
    }
  }
  return deriveKeyMaterial(version, suite, secret);
}

/**
 * Three Expand-Labels from one secret: its HMAC midstates computed once (hkdf.ts
 * PreparedKey), 8 compressions instead of 12 under SHA-256, and wiped at the end.
 */
function deriveKeyMaterial(version: number, suite: Suite, secret: Uint8Array): PacketKeyMaterial {
  const l = labels(version);
  const info = SUITES[suite];
  const k = new PreparedKey(info.hash, secret);
  try {
    return {
      key: k.expandLabel(l.key, EMPTY, info.keyLength),
      iv: k.expandLabel(l.iv, EMPTY, IV_LENGTH),
      hp: k.expandLabel(l.hp, EMPTY, info.keyLength),
    };
  } finally {
    k.release();
  }
}

/** The secret of the next key phase (RFC 9001 §6.1): the hp key does not change. */
export function nextGenerationSecret(version: number, suite: Suite, secret: Uint8Array): Uint8Array {
  const info = SUITES[suite];
  return hkdfExpandLabel(info.hash, secret, labels(version).ku, EMPTY, secret.length || (info.hash === 'sha384' ? 48 : 32));
}

/**
 * The next key phase's secret with its AEAD key and iv (RFC 9001 §6.1: the hp key does
 * not change), for a caller that would otherwise call nextGenerationSecret and then
 * packetKeyMaterial and drop the hp key: two Expand-Labels of the new secret from one
 * set of midstates, and no third for an hp key nobody uses (6 compressions instead of 12
 * under SHA-256, besides the "ku" one).
 */
export function nextGenerationKeys(version: number, suite: Suite, secret: Uint8Array): { secret: Uint8Array; key: Uint8Array; iv: Uint8Array } {
  const next = nextGenerationSecret(version, suite, secret);
  const l = labels(version);
  const info = SUITES[suite];
  const k = new PreparedKey(info.hash, next);
  try {
    return { secret: next, key: k.expandLabel(l.key, EMPTY, info.keyLength), iv: k.expandLabel(l.iv, EMPTY, IV_LENGTH) };
  } finally {
    k.release();
  }
}

/** Shared by every empty context (nothing writes to it). */
const EMPTY = new Uint8Array(0);

function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
