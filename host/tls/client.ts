// The TLS 1.3 client for QUIC (RFC 9846 §2 full handshake, §4.1.4 HelloRetryRequest,
// §2.2-2.3 resumption and 0-RTT, §4.3.2 client authentication; RFC 9001 §4 and §8):
// ClientHello at Initial (with a PSK and early data when resuming); ServerHello; then
// at Handshake EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify
// (both skipped when the PSK is accepted), Finished; our [Certificate,
// CertificateVerify,] Finished; NewSessionTickets at Application.

import { Level } from './types';
import { Alert, TlsAlertError } from './alerts';
import { Ext, Group, DEFAULT_GROUPS, HandshakeType, HRR_RANDOM, TLS13 } from './constants';
import { KeySchedule, Transcript, deriveSecret } from './keyschedule';
import { newKeyShare, sharedSecret, type KeyShare } from './key-exchange';
import * as msg from './messages';
import * as rmsg from './messages-resumption';
import { SessionBase, VERIFY_SCHEMES as SIGNATURE_SCHEMES, type TlsCommonOptions } from './session-base';
import { constantTimeEqual } from './bytes';
import { SUITES, type Suite } from '../crypto/suites';
import { parseCertificate, sign, signatureSchemesFor, verifySchemeSignature, type Certificate, type CertifiedKey } from './pki/index';
import { verifyChainWith, type CertificateVerificationCache } from './pki/verify-cache';
import { fillBinder, MIN_EXTERNAL_PSK_LENGTH, type ExternalPsk } from './psk';
import { ticketUsable, type SessionTicket } from './session-ticket';
import type { HashName } from '../crypto/hkdf';

export interface TlsClientOptions extends TlsCommonOptions {
  /** Server name for SNI and certificate verification. */
  serverName?: string;
  /** Trust anchors (DER). Required unless verification is skipped or an external PSK is the only way in: pass systemTrustAnchors() for the platform roots. */
  trustAnchors?: Uint8Array[];
  /** Turns certificate verification off. Only for tests and interop with throwaway peers. */
  dangerouslySkipCertificateVerification?: boolean;
  /** Where successful chain verifications are remembered (default: one process-wide LRU); null verifies every time. */
  verificationCache?: CertificateVerificationCache | null;
  /** Our certificate and key, sent when the server asks for one (client authentication). */
  certificate?: CertifiedKey;
  /** An external PSK to authenticate with (instead of the server's certificate). */
  psk?: ExternalPsk;
  /** A ticket from an earlier connection: resume it (falls back to a full handshake if the server refuses). */
  session?: SessionTicket;
  /** Offer 0-RTT with `session` (when its ticket allows it): reports the early data write secret at once. */
  earlyData?: boolean;
}

type State = 'start' | 'wait_sh' | 'wait_ee' | 'wait_cert_cr' | 'wait_cert' | 'wait_cv' | 'wait_fin' | 'done';

/** The one PSK we offer: a ticket's or an external one. */
interface Offer {
  identity: Uint8Array;
  key: Uint8Array;
  hash: HashName;
  resumption: boolean;
  ticket?: SessionTicket;
}

export class TlsClient extends SessionBase {
  private state: State = 'start';
  private shares: KeyShare[] = [];
  private suite!: Suite;
  private transcript!: Transcript;
  private ks!: KeySchedule;
  private chTranscript: Uint8Array[] = [];
  private cHs: Uint8Array = new Uint8Array(0);
  private sHs: Uint8Array = new Uint8Array(0);
  private alpn = '';
  private peerChain: Uint8Array[] = [];
  /** The verified leaf, as chain verification parsed it (the cache keeps one per chain): CertificateVerify needs its key. */
  private peerLeaf: Certificate | null = null;
  private peerTp: Uint8Array = new Uint8Array(0);
  private sawHrr = false;
  private offer?: Offer;
  private earlyDataOffered = false;
  private earlyDataAccepted = false;
  private pskAccepted = false;
  /** Signature schemes of the server's CertificateRequest; undefined = not requested. */
  private certRequest?: number[];
  /** Transcript hash through our Finished: the base of ticket PSKs. */
  private resumptionTranscript: Uint8Array = new Uint8Array(0);

  constructor(private readonly opts: TlsClientOptions) {
    super(opts);
  }

  start(): void {
    this.guard(() => {
      if (this.state !== 'start') throw new TlsAlertError(Alert.internal_error, 'start() called twice');
      if (!this.opts.alpn.length) throw new TlsAlertError(Alert.internal_error, 'QUIC requires at least one ALPN protocol');
      if (!this.opts.dangerouslySkipCertificateVerification && !this.opts.trustAnchors && !this.opts.psk) {
        throw new TlsAlertError(Alert.internal_error, 'no trust anchors: pass trustAnchors (e.g. systemTrustAnchors()) or dangerouslySkipCertificateVerification');
      }
      this.offer = this.chooseOffer();
      this.clientRandom = this.random(32);
      const groups = (this.opts.groups ?? DEFAULT_GROUPS).map((g) => Group[g]);
      this.shares = [newKeyShare(groups[0], this.random)];
      this.sendClientHello(groups);
    });
  }

  private chooseOffer(): Offer | undefined {
    const offered = this.suitePreference();
    const t = this.opts.session;
    const now = this.opts.now?.().getTime() ?? Date.now();
    if (t && ticketUsable(t, now, this.opts.serverName)) {
      const hash = SUITES[t.suite].hash;
      if (offered.some((s) => SUITES[s].hash === hash)) return { identity: t.ticket, key: t.psk, hash, resumption: true, ticket: t };
    }
    const p = this.opts.psk;
    if (p) {
      if (p.key.length < MIN_EXTERNAL_PSK_LENGTH) throw new TlsAlertError(Alert.internal_error, `external PSK shorter than ${MIN_EXTERNAL_PSK_LENGTH} bytes`);
      if (p.identity.length === 0 || p.identity.length > 0xffff) throw new TlsAlertError(Alert.internal_error, 'external PSK identity must be 1..65535 bytes');
      const hash = p.hash ?? 'sha256';
      if (!offered.some((s) => SUITES[s].hash === hash)) throw new TlsAlertError(Alert.internal_error, `no offered cipher suite uses the PSK's hash ${hash}`);
      return { identity: p.identity, key: p.key, hash, resumption: false };
    }
    return undefined;
  }

  private sendClientHello(groups: number[], cookie?: Uint8Array): void {
    const offer = this.offer;
    const t = offer?.ticket;
    // 0-RTT: only with a ticket that allows it, with its suite on offer, never after HelloRetryRequest (§4.2.10).
    this.earlyDataOffered = !!(this.opts.earlyData && t && t.maxEarlyData > 0 && !this.sawHrr && this.suitePreference().includes(t.suite));
    // psk_key_exchange_modes goes in every ClientHello, not only with a PSK: it also says
    // which tickets we can use, and servers issue tickets only to clients that list a
    // mode (RFC 9846 §4.2.9: "SHOULD NOT send NewSessionTicket with tickets that are not
    // compatible with the advertised modes"; without it, resumption never starts).
    const extra: [number, Uint8Array][] = [[Ext.psk_key_exchange_modes, rmsg.encodePskModes([rmsg.PskMode.psk_dhe_ke])]];
    let ks: KeySchedule | undefined;
    if (offer) {
      ks = new KeySchedule(offer.hash, offer.key);
      const now = this.opts.now?.().getTime() ?? Date.now();
      const age = t ? ((now - t.receivedAt + t.ageAdd) >>> 0) : 0; // obfuscated_ticket_age, §4.2.11.1
      if (this.earlyDataOffered) extra.push([Ext.early_data, new Uint8Array(0)]);
      // pre_shared_key goes last (§4.2.11), with a placeholder binder filled in below.
      extra.push([Ext.pre_shared_key, rmsg.encodeOfferedPsks({ identities: [{ identity: offer.identity, obfuscatedTicketAge: age }], binders: [new Uint8Array(ks.len)] })]);
    }
    let ch = msg.encodeClientHello({
      random: this.clientRandom,
      cipherSuites: this.suitePreference().map((s) => SUITES[s].tlsCode),
      groups,
      keyShares: this.shares.map((s) => ({ group: s.group, key: s.publicKey })),
      signatureSchemes: SIGNATURE_SCHEMES,
      alpn: this.opts.alpn,
      serverName: this.opts.serverName && !/^[\d.:[\]]+$/.test(this.opts.serverName) ? this.opts.serverName : undefined,
      transportParameters: this.opts.transportParameters,
      cookie,
      extraExtensions: extra,
    });
    if (offer && ks) ch = fillBinder(ch, ks, offer.resumption, this.sawHrr ? this.transcript : undefined);
    this.chTranscript.push(ch);
    this.send(Level.Initial, ch);
    if (this.earlyDataOffered && ks && t) {
      this.out.push({ type: 'remembered-transport-parameters', data: t.peerTransportParameters });
      const early = ks.clientEarlyTraffic(new Transcript(ks.hash).digestWith(ch));
      this.secret(Level.EarlyData, 'write', t.suite, early, 'CLIENT_EARLY_TRAFFIC_SECRET');
    }
    this.state = 'wait_sh';
  }

  protected onMessage(level: Level, type: number, body: Uint8Array, raw: Uint8Array): void {
    const expect = (l: Level, t: number) => {
      if (level !== l || type !== t) throw new TlsAlertError(Alert.unexpected_message, `unexpected handshake message ${type} at level ${level} in state ${this.state}`);
    };
    switch (this.state) {
      case 'wait_sh': expect(Level.Initial, HandshakeType.server_hello); return this.onServerHello(body, raw);
      case 'wait_ee': expect(Level.Handshake, HandshakeType.encrypted_extensions); return this.onEncryptedExtensions(body, raw);
      case 'wait_cert_cr':
        if (level === Level.Handshake && type === HandshakeType.certificate_request) return this.onCertificateRequest(body, raw);
        expect(Level.Handshake, HandshakeType.certificate); return this.onCertificate(body, raw);
      case 'wait_cert': expect(Level.Handshake, HandshakeType.certificate); return this.onCertificate(body, raw);
      case 'wait_cv': expect(Level.Handshake, HandshakeType.certificate_verify); return this.onCertificateVerify(body, raw);
      case 'wait_fin': expect(Level.Handshake, HandshakeType.finished); return this.onFinished(body, raw);
      case 'done':
        expect(Level.Application, HandshakeType.new_session_ticket); return this.onNewSessionTicket(body);
      default:
        throw new TlsAlertError(Alert.unexpected_message, `handshake message ${type} before ClientHello`);
    }
  }

  private onServerHello(body: Uint8Array, raw: Uint8Array): void {
    const sh = msg.parseServerHello(body, (r) => constantTimeEqual(r, HRR_RANDOM));
    if (sh.version !== TLS13) throw new TlsAlertError(Alert.protocol_version, 'server did not select TLS 1.3');
    if (sh.sessionId.length !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'server echoed a session id we did not send');
    const suite = this.suiteOf(sh.cipherSuite);
    if (!this.suitePreference().includes(suite)) throw new TlsAlertError(Alert.illegal_parameter, 'server chose a cipher suite we did not offer');
    if (constantTimeEqual(sh.random, HRR_RANDOM)) return this.onHelloRetryRequest(sh, raw, suite);
    if (this.sawHrr && suite !== this.suite) throw new TlsAlertError(Alert.illegal_parameter, 'cipher suite changed after HelloRetryRequest');
    this.suite = suite;
    if (!this.transcript) {
      this.transcript = new Transcript(this.hashOf(suite));
      for (const m of this.chTranscript) this.transcript.add(m);
    }
    this.transcript.add(raw);
    if (!sh.keyShare) throw new TlsAlertError(Alert.missing_extension, 'ServerHello without key_share (we offer only psk_dhe_ke)');
    const share = this.shares.find((s) => s.group === sh.keyShare!.group);
    if (!share) throw new TlsAlertError(Alert.illegal_parameter, 'server key share for a group we did not offer');
    const selected = sh.extensions.get(Ext.pre_shared_key);
    if (selected) {
      if (!this.offer || rmsg.parseSelectedPsk(selected) !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'server selected a PSK we did not offer');
      if (this.hashOf(suite) !== this.offer.hash) throw new TlsAlertError(Alert.illegal_parameter, "server's cipher suite does not match the PSK's hash");
      this.pskAccepted = true;
    }
    this.ks = new KeySchedule(this.hashOf(suite), this.pskAccepted ? this.offer!.key : undefined);
    this.ks.handshake(sharedSecret(share, sh.keyShare.key));
    const th = this.transcript.digest();
    this.cHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 'c hs traffic', th);
    this.sHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 's hs traffic', th);
    this.secret(Level.Handshake, 'read', suite, this.sHs, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.secret(Level.Handshake, 'write', suite, this.cHs, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.state = 'wait_ee';
  }

  private onHelloRetryRequest(sh: msg.ServerHello, raw: Uint8Array, suite: Suite): void {
    if (this.sawHrr) throw new TlsAlertError(Alert.unexpected_message, 'second HelloRetryRequest');
    this.sawHrr = true;
    const group = sh.selectedGroup;
    const offered: number[] = (this.opts.groups ?? DEFAULT_GROUPS).map((g) => Group[g]);
    if (group === undefined || !offered.includes(group) || this.shares.some((s) => s.group === group)) {
      throw new TlsAlertError(Alert.illegal_parameter, 'HelloRetryRequest asks for a group we cannot or already did offer');
    }
    this.suite = suite;
    this.transcript = new Transcript(this.hashOf(suite));
    for (const m of this.chTranscript) this.transcript.add(m);
    this.transcript.replaceWithMessageHash();
    this.transcript.add(raw);
    this.chTranscript = [];
    // A PSK whose hash does not fit the chosen suite cannot be used any more (§4.1.4).
    if (this.offer && this.offer.hash !== this.hashOf(suite)) this.offer = undefined;
    this.shares = [newKeyShare(group, this.random)];
    // A HelloRetryRequest rejects the 0-RTT of the first ClientHello (§4.2.10; RFC 9001 §4.6.2).
    if (this.earlyDataOffered) this.out.push({ type: 'early-data', accepted: false });
    const cookieExt = sh.extensions.get(Ext.cookie);
    const cookie = cookieExt ? cookieExt.subarray(2) : undefined;
    this.sendClientHello(offered, cookie);
    for (const m of this.chTranscript) this.transcript.add(m);
  }

  private onEncryptedExtensions(body: Uint8Array, raw: Uint8Array): void {
    const ee = msg.parseEncryptedExtensions(body);
    this.transcript.add(raw);
    if (!ee.alpn) throw new TlsAlertError(Alert.no_application_protocol, 'server selected no ALPN protocol (required by QUIC)');
    if (!this.opts.alpn.includes(ee.alpn)) throw new TlsAlertError(Alert.illegal_parameter, `server selected ALPN "${ee.alpn}" which we did not offer`);
    this.alpn = ee.alpn;
    if (ee.earlyData) {
      const t = this.offer?.ticket;
      if (!this.earlyDataOffered || !this.pskAccepted || !t) throw new TlsAlertError(Alert.unsupported_extension, 'server accepted early data we did not offer');
      // 0-RTT was sent with the ticket's suite and ALPN; accepting it under others is a protocol error (§4.2.10).
      if (this.suite !== t.suite || this.alpn !== t.alpn) throw new TlsAlertError(Alert.illegal_parameter, 'server accepted early data with another cipher suite or ALPN');
      this.earlyDataAccepted = true;
    }
    if (!ee.transportParameters) throw new TlsAlertError(Alert.missing_extension, 'server sent no quic_transport_parameters');
    // The transport must know the answer before the new parameters: on rejection it resends under them.
    if (this.earlyDataOffered) this.out.push({ type: 'early-data', accepted: this.earlyDataAccepted });
    this.peerTp = ee.transportParameters;
    this.out.push({ type: 'peer-transport-parameters', data: ee.transportParameters });
    this.state = this.pskAccepted ? 'wait_fin' : 'wait_cert_cr';
  }

  private onCertificateRequest(body: Uint8Array, raw: Uint8Array): void {
    const cr = rmsg.parseCertificateRequest(body);
    if (cr.context.length !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'CertificateRequest context must be empty in the handshake');
    this.transcript.add(raw);
    this.certRequest = cr.signatureSchemes;
    this.state = 'wait_cert';
  }

  private onCertificate(body: Uint8Array, raw: Uint8Array): void {
    this.peerChain = msg.parseCertificateMessage(body);
    this.transcript.add(raw);
    if (!this.peerChain.length) throw new TlsAlertError(Alert.decode_error, 'server sent an empty certificate chain');
    if (!this.opts.dangerouslySkipCertificateVerification) {
      if (!this.opts.trustAnchors) throw new TlsAlertError(Alert.handshake_failure, 'server did not accept our PSK, and we have no trust anchors to verify its certificate');
      const r = verifyChainWith(this.opts.verificationCache, this.peerChain, {
        trustAnchors: this.opts.trustAnchors,
        serverName: this.opts.serverName,
        now: this.opts.now?.(),
        purpose: 'server',
      });
      if (!r.ok) throw new TlsAlertError(r.alert, r.reason);
      this.peerLeaf = r.leaf;
    }
    this.state = 'wait_cv';
  }

  private onCertificateVerify(body: Uint8Array, raw: Uint8Array): void {
    const cv = msg.parseCertificateVerify(body);
    if (!SIGNATURE_SCHEMES.includes(cv.scheme as never)) throw new TlsAlertError(Alert.illegal_parameter, `server used signature scheme 0x${cv.scheme.toString(16)} we did not offer`);
    const content = msg.certificateVerifyContent(true, this.transcript.digest());
    let leaf = this.peerLeaf;
    if (!leaf) {
      try { leaf = parseCertificate(this.peerChain[0]); } catch { throw new TlsAlertError(Alert.bad_certificate, 'unparseable server certificate'); }
    }
    if (!verifySchemeSignature(leaf, cv.scheme, content, cv.signature)) throw new TlsAlertError(Alert.decrypt_error, 'bad CertificateVerify signature');
    this.transcript.add(raw);
    this.state = 'wait_fin';
  }

  private onFinished(body: Uint8Array, raw: Uint8Array): void {
    const expected = this.ks.finished(this.sHs, this.transcript.digest());
    if (!constantTimeEqual(body, expected)) throw new TlsAlertError(Alert.decrypt_error, 'bad server Finished');
    this.transcript.add(raw);
    this.ks.master();
    const th = this.transcript.digest();
    const cAp = deriveSecret(this.ks.hash, this.ks.masterSecret, 'c ap traffic', th);
    const sAp = deriveSecret(this.ks.hash, this.ks.masterSecret, 's ap traffic', th);
    const flight: Uint8Array[] = [];
    const add = (m: Uint8Array) => { flight.push(m); this.transcript.add(m); };
    if (this.certRequest) this.clientCertificate(add);
    add(msg.encodeFinished(this.ks.finished(this.cHs, this.transcript.digest())));
    for (const m of flight) this.send(Level.Handshake, m);
    this.resumptionTranscript = this.transcript.digest();
    this.secret(Level.Application, 'read', this.suite, sAp, 'SERVER_TRAFFIC_SECRET_0');
    this.secret(Level.Application, 'write', this.suite, cAp, 'CLIENT_TRAFFIC_SECRET_0');
    this.state = 'done';
    this.out.push({
      type: 'complete',
      info: {
        alpn: this.alpn, cipherSuite: SUITES[this.suite].name, resumed: this.pskAccepted && !!this.offer?.resumption,
        externalPsk: this.pskAccepted && !this.offer?.resumption, earlyDataAccepted: this.earlyDataAccepted,
        peerCertificates: this.peerChain, serverName: this.opts.serverName,
      },
    });
  }

  /** Certificate (empty if we have none the server can accept) and CertificateVerify, §4.4.2-4.4.3. */
  private clientCertificate(add: (m: Uint8Array) => void): void {
    const cert = this.opts.certificate;
    const scheme = cert && signatureSchemesFor(cert.key).find((s) => this.certRequest!.includes(s));
    if (!cert || scheme === undefined) { add(msg.encodeCertificate([])); return; }
    add(msg.encodeCertificate(cert.chain));
    add(msg.encodeCertificateVerify(scheme, sign(cert.key, scheme, msg.certificateVerifyContent(false, this.transcript.digest()))));
  }

  private onNewSessionTicket(body: Uint8Array): void {
    const nst = rmsg.parseNewSessionTicket(body);
    // RFC 9001 §4.6.1: QUIC allows only 0xffffffff (a PROTOCOL_VIOLATION otherwise; TLS names it illegal_parameter).
    if (nst.maxEarlyData !== 0 && nst.maxEarlyData !== rmsg.QUIC_MAX_EARLY_DATA) throw new TlsAlertError(Alert.illegal_parameter, `max_early_data_size ${nst.maxEarlyData} in a QUIC ticket (must be 0xffffffff)`);
    if (nst.lifetimeSeconds === 0) return; // "discard immediately" (§4.6.1)
    const ticket: SessionTicket = {
      ticket: nst.ticket,
      psk: this.ks.ticketPsk(this.resumptionTranscript, nst.nonce),
      suite: this.suite,
      ageAdd: nst.ageAdd,
      lifetimeSeconds: Math.min(nst.lifetimeSeconds, 7 * 24 * 3600),
      receivedAt: this.opts.now?.().getTime() ?? Date.now(),
      maxEarlyData: nst.maxEarlyData,
      alpn: this.alpn,
      serverName: this.opts.serverName,
      peerTransportParameters: this.peerTp,
    };
    this.out.push({ type: 'session-ticket', ticket });
  }
}
