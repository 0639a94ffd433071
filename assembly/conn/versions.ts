// Which QUIC versions this endpoint speaks, and compatible version negotiation
// (RFC 9368 §2.3, with RFC 9369 §4 for v1 <-> v2) with its downgrade checks (§4).
//
// The endpoint's versions are a preference-ordered list (one core instance is one
// endpoint, so it is module state); by default v1 and v2, and a server then keeps the
// client's choice — it imposes its order only when one was set. A client sends its first flight in its original
// version and offers, in version_information, every version that flight is compatible
// with. A server that prefers another offered version switches the connection when it
// reads the ClientHello's transport parameters (connNegotiateVersion, before it answers):
// from then on it sends in the negotiated version, and keeps the original version's
// Initial read keys until a Handshake packet arrives (RFC 9369 §4), since the client
// may still send Initials in the original version. The client learns the switch from
// the first server packet whose long-header version differs (VERSION_CHANGED: the host
// installs that version's Initial keys, and the packet waits for them), and checks the
// server's authenticated version_information against what it saw.

import { Connection } from "./connection";
import { SPACE_INITIAL, SPACE_HANDSHAKE } from "./space";
import { QUIC_V1, QUIC_V2, PacketType, isSupportedVersion } from "../wire/version";
import { findVersionInfo, viChosen, viList, viCount, viOffers, encodeVersionInfo } from "../wire/version-info";
import { TRANSPORT_PARAMETER_ERROR, VERSION_NEGOTIATION_ERROR } from "../wire/errors";
import { pushEvent, EventKind } from "./events";

const MAX_VERSIONS: i32 = 4;
const localVersions: usize = memory.data(MAX_VERSIONS * 4);
let localCount: i32 = 0;
/** Whether the list was set: only then does a server impose its preference (by default it keeps the client's choice). */
let preferenceSet: bool = false;
const scratchList: usize = memory.data(MAX_VERSIONS * 4 + 4);

function initDefaults(): void {
  store<u32>(localVersions, QUIC_V1);
  store<u32>(localVersions + 4, QUIC_V2);
  localCount = 2;
}
initDefaults();

// @ts-ignore: decorator
@inline function localAt(i: i32): u32 {
  return load<u32>(localVersions + (<usize>i << 2));
}

/**
 * Sets the endpoint's versions, most preferred first, from `count` u32s at `list`.
 * Returns 0, or -TRANSPORT_PARAMETER_ERROR for an empty or too long list, a version
 * this core does not speak, or a repeated one.
 */
export function setLocalVersions(list: usize, count: i32): i32 {
  if (count < 1 || count > MAX_VERSIONS) return -TRANSPORT_PARAMETER_ERROR;
  for (let i = 0; i < count; i++) {
    const v = load<u32>(list + (<usize>i << 2));
    if (!isSupportedVersion(v)) return -TRANSPORT_PARAMETER_ERROR;
    for (let j = 0; j < i; j++) if (load<u32>(list + (<usize>j << 2)) == v) return -TRANSPORT_PARAMETER_ERROR;
  }
  memory.copy(localVersions, list, <usize>(count * 4));
  localCount = count;
  preferenceSet = true;
  return 0;
}

/** True when this endpoint accepts connections in version `v`. */
export function speaks(v: u32): bool {
  for (let i = 0; i < localCount; i++) if (localAt(i) == v) return true;
  return false;
}

/** Writes the endpoint's versions (preference order) at `out`; returns how many. */
export function localVersionList(out: usize): i32 {
  memory.copy(out, localVersions, <usize>(localCount * 4));
  return localCount;
}

/** RFC 9369 §4: v1 and v2 are compatible with each other (and every version with itself). */
function compatible(from: u32, to: u32): bool {
  return from == to || (isSupportedVersion(from) && isSupportedVersion(to));
}

/**
 * The client's Available Versions (RFC 9368 §3): every version its first flight in
 * `original` converts to, most preferred first, the original included. Returns the count.
 */
function clientOffer(original: u32, out: usize): i32 {
  let n = 0;
  let hasOriginal = false;
  for (let i = 0; i < localCount; i++) {
    const v = localAt(i);
    if (!compatible(original, v)) continue;
    if (v == original) hasOriginal = true;
    store<u32>(out + (<usize>n << 2), v);
    n++;
  }
  if (!hasOriginal) {
    // A client may start in a version it did not list (connect({ version })): it still offers it, last.
    store<u32>(out + (<usize>n << 2), original);
    n++;
  }
  return n;
}

function clientOffers(original: u32, v: u32): bool {
  const n = clientOffer(original, scratchList);
  for (let i = 0; i < n; i++) if (load<u32>(scratchList + (<usize>i << 2)) == v) return true;
  return false;
}

/**
 * The version we would pick from `n` big-endian u32 versions at `list` plus `extra`
 * (when not 0): the first of ours, in our preference order, among them; 0 for none.
 */
export function selectVersion(list: usize, n: i32, extra: u32): u32 {
  for (let i = 0; i < localCount; i++) {
    const v = localAt(i);
    if (v == extra) return v;
    for (let j = 0; j < n; j++) if (bswap<u32>(load<u32>(list + (<usize>j << 2))) == v) return v;
  }
  return 0;
}

/** Appends our version_information to the encoded parameters ending at p. Returns its length or a negative code. */
export function writeVersionInfo(c: Connection, p: usize, end: usize): i32 {
  if (c.isServer) return encodeVersionInfo(p, end, c.version, localVersions, localCount);
  const n = clientOffer(c.originalVersion, scratchList);
  return encodeVersionInfo(p, end, c.version, scratchList, n);
}

/** The client's version_information as the server must check it (§4); 1 present, 0 absent, or -code. */
function checkClientInfo(c: Connection, p: usize, end: usize): i32 {
  const r = findVersionInfo(p, end);
  if (r <= 0) return r; // absent: a server MAY complete the handshake (§4)
  if (!viOffers(viChosen)) return -TRANSPORT_PARAMETER_ERROR; // §4: treated as a parsing failure
  // §4: the Chosen Version is the one the client's first flight used.
  if (viChosen != c.originalVersion) return -VERSION_NEGOTIATION_ERROR;
  return 1;
}

/**
 * Server, on the client's transport parameters [p, end) (before answering the
 * ClientHello): validates version_information and picks the negotiated version — the
 * first of ours, in our preference order, that the client offers and its first flight
 * converts to. Switching keeps the original Initial read keys for the client's
 * remaining Initials; the host then installs the new version's Initial keys. Returns
 * the version, or -code (the caller closes).
 */
export function negotiateVersion(c: Connection, p: usize, end: usize): i32 {
  if (!c.isServer) return <i32>c.version;
  const r = checkClientInfo(c, p, end);
  if (r < 0) return r;
  // Absent, already decided, or no preference of ours: the client's choice stands.
  if (r == 0 || !preferenceSet || c.version != c.originalVersion) return <i32>c.version;
  let chosen = c.originalVersion;
  for (let i = 0; i < localCount; i++) {
    const v = localAt(i);
    if (viOffers(v) && compatible(c.originalVersion, v)) { chosen = v; break; }
  }
  if (chosen != c.version) {
    const sp = c.spaces[SPACE_INITIAL];
    c.origInitialReadAead = sp.readAead;
    c.origInitialReadHp = sp.readHp;
    sp.readAead = 0; sp.readHp = 0; sp.writeAead = 0; sp.writeHp = 0;
    c.version = chosen;
  }
  return <i32>chosen;
}

/**
 * The peer's transport parameters [p, end), once decoded: RFC 9368 §4's checks.
 * Returns 0 or -code (TRANSPORT_PARAMETER_ERROR, VERSION_NEGOTIATION_ERROR).
 */
export function checkPeerVersionInfo(c: Connection, p: usize, end: usize): i32 {
  if (c.isServer) {
    const r = checkClientInfo(c, p, end);
    return r < 0 ? r : 0;
  }
  const r = findVersionInfo(p, end);
  if (r < 0) return r;
  if (r == 0) {
    // §6: after Version Negotiation, a v1 server without it counts as choosing and listing v1 alone.
    if (c.afterVersionNegotiation) {
      return c.version == QUIC_V1 && c.originalVersion == QUIC_V1 && selectVersion(0, 0, QUIC_V1) == QUIC_V1 ? 0 : -VERSION_NEGOTIATION_ERROR;
    }
    // Otherwise fine, unless the version changed, which then nothing authenticates (RFC 9369 §4:
    // a v2 endpoint must send version_information).
    return c.version == c.originalVersion ? 0 : -VERSION_NEGOTIATION_ERROR;
  }
  // §4: the server chose a version we offered, and the one its packets showed us.
  if (!clientOffers(c.originalVersion, viChosen) || viChosen != c.version) return -VERSION_NEGOTIATION_ERROR;
  // §4: after Version Negotiation, knowing the server's versions would have led to the same
  // attempt; otherwise the Version Negotiation packet was forged to downgrade us.
  if (c.afterVersionNegotiation && (viCount == 0 || selectVersion(viList, viCount, viChosen) != c.originalVersion)) return -VERSION_NEGOTIATION_ERROR;
  return 0;
}

/** What receive does with a long-header packet whose version is not c.version. */
export const OTHER_VERSION_DROP: i32 = 0;
/** Open it with the space's keys (none yet: it waits for them). */
export const OTHER_VERSION_CURRENT_KEYS: i32 = 1;
/** Open it with the original version's Initial read keys (server, after switching). */
export const OTHER_VERSION_ORIGINAL_KEYS: i32 = 2;

/**
 * A long-header packet of type `type` (v1 numbering) in version `v` != c.version.
 * Client: the first server packet in another version we offered, before any Handshake
 * keys exist (those would come from a ServerHello in the original version, which
 * settles the version: RFC 9369 §4), switches us to it. Server: an Initial in the
 * original version after switching, while its keys are kept.
 */
export function onOtherVersion(c: Connection, type: i32, v: u32): i32 {
  if (c.isServer) {
    if (v != c.originalVersion) return OTHER_VERSION_DROP;
    if (type == PacketType.INITIAL) return c.origInitialReadAead != 0 ? OTHER_VERSION_ORIGINAL_KEYS : OTHER_VERSION_DROP;
    // RFC 9369 §4: 0-RTT stays in the original version (its keys are derived with that version's labels).
    return type == PacketType.ZERO_RTT ? OTHER_VERSION_CURRENT_KEYS : OTHER_VERSION_DROP;
  }
  if (type != PacketType.INITIAL && type != PacketType.HANDSHAKE) return OTHER_VERSION_DROP;
  if (c.version != c.originalVersion || !compatible(c.originalVersion, v) || !clientOffers(c.originalVersion, v)) return OTHER_VERSION_DROP;
  const hs = c.spaces[SPACE_HANDSHAKE];
  if (hs.readAead != 0 || hs.discarded) return OTHER_VERSION_DROP;
  const sp = c.spaces[SPACE_INITIAL];
  if (sp.discarded) return OTHER_VERSION_DROP;
  sp.readAead = 0; sp.readHp = 0; sp.writeAead = 0; sp.writeHp = 0;
  c.version = v;
  pushEvent(EventKind.VERSION_CHANGED, <u32>c.handle, <u64>v, 0, 0);
  return OTHER_VERSION_CURRENT_KEYS;
}
