// TLS 1.3 handshake messages for QUIC (RFC 9846 §4; RFC 9001 §8): encoders and
// bounds-checked decoders. Decoders throw TlsAlertError with the right alert
// (decode_error for truncation and trailing bytes, illegal_parameter for bad values).

import { Reader, Writer } from './bytes';
import { Alert, TlsAlertError } from './alerts';
import { Ext, HandshakeType, TLS13 } from './constants';

export type Extensions = Map<number, Uint8Array>;

/** Wraps a body in a handshake message header (type, u24 length). */
export function handshakeMessage(type: number, body: Uint8Array): Uint8Array {
  return new Writer().u8(type).vec24(body).finish();
}

function writeExtensions(w: Writer, exts: [number, Uint8Array][]): void {
  w.with16((e) => { for (const [t, b] of exts) e.u16(t).vec16(b); });
}

export function readExtensions(r: Reader): Extensions {
  const m: Extensions = new Map();
  const er = r.sub16();
  while (er.left > 0) {
    const type = er.u16();
    const body = er.vec16();
    if (m.has(type)) throw new TlsAlertError(Alert.illegal_parameter, `duplicate extension 0x${type.toString(16)}`);
    m.set(type, body);
  }
  return m;
}

// ---- ClientHello --------------------------------------------------------------------

export interface ClientHello {
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  extensions: Extensions;
  /** Parsed views of the extensions the engine uses. */
  versions: number[];
  groups: number[];
  keyShares: { group: number; key: Uint8Array }[];
  signatureSchemes: number[];
  alpn: string[];
  serverName?: string;
  transportParameters?: Uint8Array;
  /** Type of the last extension (pre_shared_key must be last, RFC 9846 §4.2.11). */
  lastExtension?: number;
}

/** `extraExtensions` follow the others in order (the caller puts pre_shared_key last). */
export function encodeClientHello(ch: { random: Uint8Array; cipherSuites: number[]; groups: number[]; keyShares: { group: number; key: Uint8Array }[]; signatureSchemes: number[]; alpn: string[]; serverName?: string; transportParameters: Uint8Array; cookie?: Uint8Array; extraExtensions?: [number, Uint8Array][] }): Uint8Array {
  const w = new Writer().u16(0x0303).bytes(ch.random).vec8(new Uint8Array(0));
  w.with16((c) => ch.cipherSuites.forEach((s) => c.u16(s)));
  w.vec8(Uint8Array.of(0));
  const exts: [number, Uint8Array][] = [];
  if (ch.serverName) {
    const name = new TextEncoder().encode(ch.serverName);
    exts.push([Ext.server_name, new Writer().with16((l) => l.u8(0).vec16(name)).finish()]);
  }
  exts.push([Ext.supported_versions, new Writer().with8((v) => v.u16(TLS13)).finish()]);
  exts.push([Ext.supported_groups, new Writer().with16((g) => ch.groups.forEach((x) => g.u16(x))).finish()]);
  exts.push([Ext.key_share, new Writer().with16((k) => ch.keyShares.forEach((s) => k.u16(s.group).vec16(s.key))).finish()]);
  exts.push([Ext.signature_algorithms, new Writer().with16((s) => ch.signatureSchemes.forEach((x) => s.u16(x))).finish()]);
  exts.push([Ext.alpn, new Writer().with16((a) => ch.alpn.forEach((p) => a.vec8(new TextEncoder().encode(p)))).finish()]);
  if (ch.cookie) exts.push([Ext.cookie, new Writer().vec16(ch.cookie).finish()]);
  exts.push([Ext.quic_transport_parameters, ch.transportParameters]);
  if (ch.extraExtensions) exts.push(...ch.extraExtensions);
  writeExtensions(w, exts);
  return handshakeMessage(HandshakeType.client_hello, w.finish());
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body);
  r.u16(); // legacy_version
  const random = r.bytes(32).slice();
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw new TlsAlertError(Alert.decode_error, 'legacy_session_id too long');
  const cs = r.sub16();
  const cipherSuites: number[] = [];
  while (cs.left > 0) cipherSuites.push(cs.u16());
  const comp = r.vec8();
  if (comp.length !== 1 || comp[0] !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'legacy_compression_methods must be [0]');
  const extensions = readExtensions(r);
  r.done('ClientHello');
  const ch: ClientHello = { random, sessionId: sessionId.slice(), cipherSuites, extensions, versions: [], groups: [], keyShares: [], signatureSchemes: [], alpn: [], lastExtension: [...extensions.keys()].pop() };
  const sv = extensions.get(Ext.supported_versions);
  if (sv) { const v = new Reader(sv).sub8(); while (v.left > 0) ch.versions.push(v.u16()); }
  const sg = extensions.get(Ext.supported_groups);
  if (sg) { const g = new Reader(sg).sub16(); while (g.left > 0) ch.groups.push(g.u16()); }
  const ks = extensions.get(Ext.key_share);
  if (ks) { const k = new Reader(ks).sub16(); while (k.left > 0) ch.keyShares.push({ group: k.u16(), key: k.vec16().slice() }); }
  const sa = extensions.get(Ext.signature_algorithms);
  if (sa) { const s = new Reader(sa).sub16(); while (s.left > 0) ch.signatureSchemes.push(s.u16()); }
  const al = extensions.get(Ext.alpn);
  if (al) {
    const a = new Reader(al).sub16();
    while (a.left > 0) { const p = a.vec8(); if (p.length === 0) throw new TlsAlertError(Alert.decode_error, 'empty ALPN protocol name'); ch.alpn.push(new TextDecoder().decode(p)); }
  }
  const sn = extensions.get(Ext.server_name);
  if (sn) {
    const l = new Reader(sn).sub16();
    while (l.left > 0) { const t = l.u8(); const n = l.vec16(); if (t === 0) ch.serverName = new TextDecoder().decode(n); }
  }
  ch.transportParameters = extensions.get(Ext.quic_transport_parameters)?.slice();
  return ch;
}

// ---- ServerHello / HelloRetryRequest ------------------------------------------------

export interface ServerHello {
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  extensions: Extensions;
  version?: number;
  keyShare?: { group: number; key: Uint8Array };
  /** HelloRetryRequest: the group the server asks for. */
  selectedGroup?: number;
}

export function encodeServerHello(sh: { random: Uint8Array; sessionId: Uint8Array; cipherSuite: number; keyShare?: { group: number; key: Uint8Array }; selectedGroup?: number; extraExtensions?: [number, Uint8Array][] }): Uint8Array {
  const w = new Writer().u16(0x0303).bytes(sh.random).vec8(sh.sessionId).u16(sh.cipherSuite).u8(0);
  const exts: [number, Uint8Array][] = [[Ext.supported_versions, new Writer().u16(TLS13).finish()]];
  if (sh.keyShare) exts.push([Ext.key_share, new Writer().u16(sh.keyShare.group).vec16(sh.keyShare.key).finish()]);
  if (sh.selectedGroup !== undefined) exts.push([Ext.key_share, new Writer().u16(sh.selectedGroup).finish()]);
  if (sh.extraExtensions) exts.push(...sh.extraExtensions);
  writeExtensions(w, exts);
  return handshakeMessage(HandshakeType.server_hello, w.finish());
}

export function parseServerHello(body: Uint8Array, isHrr: (random: Uint8Array) => boolean): ServerHello {
  const r = new Reader(body);
  r.u16();
  const random = r.bytes(32).slice();
  const sessionId = r.vec8().slice();
  const cipherSuite = r.u16();
  if (r.u8() !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'legacy_compression_method must be 0');
  const extensions = readExtensions(r);
  r.done('ServerHello');
  const sh: ServerHello = { random, sessionId, cipherSuite, extensions };
  const sv = extensions.get(Ext.supported_versions);
  if (sv) { const v = new Reader(sv); sh.version = v.u16(); v.done('supported_versions'); }
  const ks = extensions.get(Ext.key_share);
  if (ks) {
    const k = new Reader(ks);
    if (isHrr(random)) sh.selectedGroup = k.u16();
    else sh.keyShare = { group: k.u16(), key: k.vec16().slice() };
    k.done('key_share');
  }
  return sh;
}

// ---- EncryptedExtensions, Certificate, CertificateVerify, Finished ------------------

export function encodeEncryptedExtensions(alpn: string, transportParameters: Uint8Array, earlyDataAccepted = false): Uint8Array {
  const w = new Writer();
  const exts: [number, Uint8Array][] = [
    [Ext.alpn, new Writer().with16((a) => a.vec8(new TextEncoder().encode(alpn))).finish()],
    [Ext.quic_transport_parameters, transportParameters],
  ];
  // An empty early_data extension tells the client its 0-RTT was accepted (§4.2.10).
  if (earlyDataAccepted) exts.push([Ext.early_data, new Uint8Array(0)]);
  writeExtensions(w, exts);
  return handshakeMessage(HandshakeType.encrypted_extensions, w.finish());
}

export function parseEncryptedExtensions(body: Uint8Array): { alpn?: string; transportParameters?: Uint8Array; earlyData: boolean; extensions: Extensions } {
  const r = new Reader(body);
  const extensions = readExtensions(r);
  r.done('EncryptedExtensions');
  let alpn: string | undefined;
  const al = extensions.get(Ext.alpn);
  if (al) {
    const a = new Reader(al).sub16();
    alpn = new TextDecoder().decode(a.vec8());
    if (a.left !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'server selected more than one ALPN protocol');
  }
  const ed = extensions.get(Ext.early_data);
  if (ed && ed.length !== 0) throw new TlsAlertError(Alert.decode_error, 'early_data in EncryptedExtensions must be empty');
  return { alpn, transportParameters: extensions.get(Ext.quic_transport_parameters)?.slice(), earlyData: !!ed, extensions };
}

export function encodeCertificate(chain: Uint8Array[]): Uint8Array {
  const w = new Writer().vec8(new Uint8Array(0));
  w.with24((l) => chain.forEach((c) => l.vec24(c).u16(0)));
  return handshakeMessage(HandshakeType.certificate, w.finish());
}

export function parseCertificateMessage(body: Uint8Array): Uint8Array[] {
  const r = new Reader(body);
  r.vec8(); // certificate_request_context
  const list = r.sub24();
  const chain: Uint8Array[] = [];
  while (list.left > 0) {
    chain.push(list.vec24().slice());
    list.vec16(); // per-certificate extensions
  }
  r.done('Certificate');
  return chain;
}

export function encodeCertificateVerify(scheme: number, signature: Uint8Array): Uint8Array {
  return handshakeMessage(HandshakeType.certificate_verify, new Writer().u16(scheme).vec16(signature).finish());
}

export function parseCertificateVerify(body: Uint8Array): { scheme: number; signature: Uint8Array } {
  const r = new Reader(body);
  const scheme = r.u16();
  const signature = r.vec16().slice();
  r.done('CertificateVerify');
  return { scheme, signature };
}

export function encodeFinished(verifyData: Uint8Array): Uint8Array {
  return handshakeMessage(HandshakeType.finished, verifyData);
}

/** The content a CertificateVerify signs (§4.4.3). */
export function certificateVerifyContent(server: boolean, transcriptHash: Uint8Array): Uint8Array {
  const context = new TextEncoder().encode(server ? 'TLS 1.3, server CertificateVerify' : 'TLS 1.3, client CertificateVerify');
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 65 + context.length);
  return out;
}

/** Splits buffered bytes into complete handshake messages; the rest stays buffered. */
/** A shared empty array: state that holds nothing costs no array of its own (issue 17). */
export const NO_BYTES = new Uint8Array(0);

export class MessageBuffer {
  private buf = NO_BYTES;
  /** Messages of at most this size are accepted (a bound on what a peer can make us buffer). */
  constructor(private readonly maxMessage = 64 * 1024) {}

  push(data: Uint8Array): { type: number; body: Uint8Array; raw: Uint8Array }[] {
    const b = new Uint8Array(this.buf.length + data.length);
    b.set(this.buf);
    b.set(data, this.buf.length);
    const out: { type: number; body: Uint8Array; raw: Uint8Array }[] = [];
    let off = 0;
    while (b.length - off >= 4) {
      const len = (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
      if (len > this.maxMessage) throw new TlsAlertError(Alert.decode_error, `handshake message of ${len} bytes exceeds the ${this.maxMessage}-byte limit`);
      if (b.length - off < 4 + len) break;
      const raw = b.slice(off, off + 4 + len);
      out.push({ type: raw[0], body: raw.subarray(4), raw });
      off += 4 + len;
    }
    this.buf = off === b.length ? NO_BYTES : b.slice(off);
    return out;
  }

  get pending(): number {
    return this.buf.length;
  }
}
