// The TLS 1.3 client for QUIC (RFC 9846 §2 full handshake, §4.1.4 HelloRetryRequest;
// RFC 9001 §4 and §8): ClientHello at Initial; ServerHello; then at Handshake
// EncryptedExtensions, Certificate, CertificateVerify, Finished; our Finished.

import { Level } from './types';
import { Alert, TlsAlertError } from './alerts';
import { Ext, Group, HandshakeType, HRR_RANDOM, TLS13 } from './constants';
import { KeySchedule, Transcript, deriveSecret } from './keyschedule';
import { newKeyShare, sharedSecret, type KeyShare } from './key-exchange';
import * as msg from './messages';
import { SessionBase, type TlsCommonOptions } from './session-base';
import { constantTimeEqual } from './bytes';
import { SUITES, type Suite } from '../crypto/suites';
import { Scheme, parseCertificate, verifyCertificateChain, verifySchemeSignature } from './pki/index';

export interface TlsClientOptions extends TlsCommonOptions {
  /** Server name for SNI and certificate verification. */
  serverName?: string;
  /** Trust anchors (DER). Required unless verification is skipped: pass systemTrustAnchors() for the platform roots. */
  trustAnchors?: Uint8Array[];
  /** Turns certificate verification off. Only for tests and interop with throwaway peers. */
  dangerouslySkipCertificateVerification?: boolean;
}

const SIGNATURE_SCHEMES = [
  Scheme.ecdsa_secp256r1_sha256, Scheme.ed25519, Scheme.ecdsa_secp384r1_sha384,
  Scheme.rsa_pss_rsae_sha256, Scheme.rsa_pss_rsae_sha384, Scheme.rsa_pss_rsae_sha512,
];

type State = 'start' | 'wait_sh' | 'wait_ee' | 'wait_cert' | 'wait_cv' | 'wait_fin' | 'done';

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
  private sawHrr = false;
  private peerTp = false;

  constructor(private readonly opts: TlsClientOptions) {
    super(opts);
  }

  start(): void {
    this.guard(() => {
      if (this.state !== 'start') throw new TlsAlertError(Alert.internal_error, 'start() called twice');
      if (!this.opts.alpn.length) throw new TlsAlertError(Alert.internal_error, 'QUIC requires at least one ALPN protocol');
      if (!this.opts.dangerouslySkipCertificateVerification && !this.opts.trustAnchors) {
        throw new TlsAlertError(Alert.internal_error, 'no trust anchors: pass trustAnchors (e.g. systemTrustAnchors()) or dangerouslySkipCertificateVerification');
      }
      this.clientRandom = this.random(32);
      const groups = (this.opts.groups ?? ['x25519', 'secp256r1']).map((g) => Group[g]);
      this.shares = [newKeyShare(groups[0], this.random)];
      this.sendClientHello(groups);
    });
  }

  private sendClientHello(groups: number[], cookie?: Uint8Array): void {
    const ch = msg.encodeClientHello({
      random: this.clientRandom,
      cipherSuites: this.suitePreference().map((s) => SUITES[s].tlsCode),
      groups,
      keyShares: this.shares.map((s) => ({ group: s.group, key: s.publicKey })),
      signatureSchemes: SIGNATURE_SCHEMES,
      alpn: this.opts.alpn,
      serverName: this.opts.serverName && !/^[\d.:[\]]+$/.test(this.opts.serverName) ? this.opts.serverName : undefined,
      transportParameters: this.opts.transportParameters,
      cookie,
    });
    this.chTranscript.push(ch);
    this.send(Level.Initial, ch);
    this.state = 'wait_sh';
  }

  protected onMessage(level: Level, type: number, body: Uint8Array, raw: Uint8Array): void {
    const expect = (l: Level, t: number) => {
      if (level !== l || type !== t) throw new TlsAlertError(Alert.unexpected_message, `unexpected handshake message ${type} at level ${level} in state ${this.state}`);
    };
    switch (this.state) {
      case 'wait_sh': expect(Level.Initial, HandshakeType.server_hello); return this.onServerHello(body, raw);
      case 'wait_ee': expect(Level.Handshake, HandshakeType.encrypted_extensions); return this.onEncryptedExtensions(body, raw);
      case 'wait_cert': expect(Level.Handshake, HandshakeType.certificate); return this.onCertificate(body, raw);
      case 'wait_cv': expect(Level.Handshake, HandshakeType.certificate_verify); return this.onCertificateVerify(body, raw);
      case 'wait_fin': expect(Level.Handshake, HandshakeType.finished); return this.onFinished(body, raw);
      case 'done':
        // NewSessionTicket after the handshake: resumption is not implemented yet, so tickets are ignored.
        if (level === Level.Application && type === HandshakeType.new_session_ticket) return;
        throw new TlsAlertError(Alert.unexpected_message, `unexpected handshake message ${type} after the handshake`);
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
    if (!sh.keyShare) throw new TlsAlertError(Alert.missing_extension, 'ServerHello without key_share');
    const share = this.shares.find((s) => s.group === sh.keyShare!.group);
    if (!share) throw new TlsAlertError(Alert.illegal_parameter, 'server key share for a group we did not offer');
    this.ks = new KeySchedule(this.hashOf(suite));
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
    const offered: number[] = (this.opts.groups ?? ['x25519', 'secp256r1']).map((g) => Group[g]);
    if (group === undefined || !offered.includes(group) || this.shares.some((s) => s.group === group)) {
      throw new TlsAlertError(Alert.illegal_parameter, 'HelloRetryRequest asks for a group we cannot or already did offer');
    }
    this.suite = suite;
    this.transcript = new Transcript(this.hashOf(suite));
    for (const m of this.chTranscript) this.transcript.add(m);
    this.transcript.replaceWithMessageHash();
    this.transcript.add(raw);
    this.chTranscript = [];
    this.shares = [newKeyShare(group, this.random)];
    const cookieExt = sh.extensions.get(Ext.cookie);
    const cookie = cookieExt ? cookieExt.subarray(2) : undefined;
    const before = this.chTranscript.length;
    this.sendClientHello(offered, cookie);
    for (const m of this.chTranscript.slice(before)) this.transcript.add(m);
  }

  private onEncryptedExtensions(body: Uint8Array, raw: Uint8Array): void {
    const ee = msg.parseEncryptedExtensions(body);
    this.transcript.add(raw);
    if (!ee.alpn) throw new TlsAlertError(Alert.no_application_protocol, 'server selected no ALPN protocol (required by QUIC)');
    if (!this.opts.alpn.includes(ee.alpn)) throw new TlsAlertError(Alert.illegal_parameter, `server selected ALPN "${ee.alpn}" which we did not offer`);
    this.alpn = ee.alpn;
    if (!ee.transportParameters) throw new TlsAlertError(Alert.missing_extension, 'server sent no quic_transport_parameters');
    this.peerTp = true;
    this.out.push({ type: 'peer-transport-parameters', data: ee.transportParameters });
    this.state = 'wait_cert';
  }

  private onCertificate(body: Uint8Array, raw: Uint8Array): void {
    this.peerChain = msg.parseCertificateMessage(body);
    this.transcript.add(raw);
    if (!this.peerChain.length) throw new TlsAlertError(Alert.decode_error, 'server sent an empty certificate chain');
    if (!this.opts.dangerouslySkipCertificateVerification) {
      const r = verifyCertificateChain(this.peerChain, {
        trustAnchors: this.opts.trustAnchors ?? [],
        serverName: this.opts.serverName,
        now: this.opts.now?.(),
        purpose: 'server',
      });
      if (!r.ok) throw new TlsAlertError(r.alert, r.reason);
    }
    this.state = 'wait_cv';
  }

  private onCertificateVerify(body: Uint8Array, raw: Uint8Array): void {
    const cv = msg.parseCertificateVerify(body);
    if (!SIGNATURE_SCHEMES.includes(cv.scheme as never)) throw new TlsAlertError(Alert.illegal_parameter, `server used signature scheme 0x${cv.scheme.toString(16)} we did not offer`);
    const content = msg.certificateVerifyContent(true, this.transcript.digest());
    let leaf;
    try { leaf = parseCertificate(this.peerChain[0]); } catch { throw new TlsAlertError(Alert.bad_certificate, 'unparseable server certificate'); }
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
    const fin = msg.encodeFinished(this.ks.finished(this.cHs, th));
    this.send(Level.Handshake, fin);
    this.transcript.add(fin);
    this.secret(Level.Application, 'read', this.suite, sAp, 'SERVER_TRAFFIC_SECRET_0');
    this.secret(Level.Application, 'write', this.suite, cAp, 'CLIENT_TRAFFIC_SECRET_0');
    this.state = 'done';
    this.out.push({
      type: 'complete',
      info: { alpn: this.alpn, cipherSuite: SUITES[this.suite].name, resumed: false, earlyDataAccepted: false, peerCertificates: this.peerChain, serverName: this.opts.serverName },
    });
  }
}
