// The TLS 1.3 server for QUIC (RFC 9846 §2, §4.1.4 HelloRetryRequest; RFC 9001 §4, §8):
// ClientHello at Initial → ServerHello (Initial), EncryptedExtensions, Certificate,
// CertificateVerify, Finished (Handshake) → the client's Finished (Handshake).

import { Level } from './types';
import { Alert, TlsAlertError } from './alerts';
import { Ext, Group, HandshakeType, HRR_RANDOM, TLS13 } from './constants';
import { KeySchedule, Transcript, deriveSecret } from './keyschedule';
import { newKeyShare, sharedSecret } from './key-exchange';
import * as msg from './messages';
import { SessionBase, type TlsCommonOptions } from './session-base';
import { constantTimeEqual } from './bytes';
import { SUITES, type Suite } from '../crypto/suites';
import { sign, signatureSchemesFor, type CertifiedKey } from './pki/index';

export interface TlsServerOptions extends TlsCommonOptions {
  /** The certificate chain and key, or a function choosing one by SNI (undefined = no SNI). */
  certificate: CertifiedKey | ((serverName: string | undefined) => CertifiedKey | undefined);
}

type State = 'wait_ch' | 'wait_ch2' | 'wait_fin' | 'done';

export class TlsServer extends SessionBase {
  private state: State = 'wait_ch';
  private suite!: Suite;
  private transcript!: Transcript;
  private ks!: KeySchedule;
  private cHs: Uint8Array = new Uint8Array(0);
  private alpn = '';
  private serverName?: string;
  private firstHello?: msg.ClientHello;

  constructor(private readonly opts: TlsServerOptions) {
    super(opts);
  }

  start(): void {
    // The server speaks when the ClientHello arrives.
  }

  protected onMessage(level: Level, type: number, body: Uint8Array, raw: Uint8Array): void {
    if ((this.state === 'wait_ch' || this.state === 'wait_ch2') && level === Level.Initial && type === HandshakeType.client_hello) {
      return this.onClientHello(body, raw);
    }
    if (this.state === 'wait_fin' && level === Level.Handshake && type === HandshakeType.finished) return this.onFinished(body, raw);
    throw new TlsAlertError(Alert.unexpected_message, `unexpected handshake message ${type} at level ${level} in state ${this.state}`);
  }

  private onClientHello(body: Uint8Array, raw: Uint8Array): void {
    const ch = msg.parseClientHello(body);
    this.clientRandom = ch.random;
    if (!ch.versions.includes(TLS13)) throw new TlsAlertError(Alert.protocol_version, 'client does not offer TLS 1.3');
    // RFC 9001 §8.4: QUIC clients send an empty legacy_session_id.
    if (ch.sessionId.length !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'non-empty legacy_session_id (RFC 9001 §8.4)');
    if (!ch.transportParameters) throw new TlsAlertError(Alert.missing_extension, 'ClientHello without quic_transport_parameters (RFC 9001 §8.2)');
    if (!ch.extensions.has(Ext.alpn)) throw new TlsAlertError(Alert.no_application_protocol, 'ClientHello without ALPN (required by QUIC, RFC 9001 §8.1)');
    const alpn = this.opts.alpn.find((p) => ch.alpn.includes(p));
    if (!alpn) throw new TlsAlertError(Alert.no_application_protocol, `no common ALPN protocol (client offered ${ch.alpn.join(', ')})`);

    const suite = this.suitePreference().find((s) => ch.cipherSuites.includes(SUITES[s].tlsCode));
    if (suite === undefined) throw new TlsAlertError(Alert.handshake_failure, 'no common cipher suite');
    if (!ch.extensions.has(Ext.supported_groups) || !ch.extensions.has(Ext.key_share)) throw new TlsAlertError(Alert.missing_extension, 'ClientHello without supported_groups/key_share');
    const ourGroups: number[] = (this.opts.groups ?? ['x25519', 'secp256r1']).map((g) => Group[g]);
    const share = ourGroups.map((g) => ch.keyShares.find((k) => k.group === g)).find(Boolean);

    if (this.state === 'wait_ch2') {
      // The second ClientHello must follow the HelloRetryRequest (§4.1.2).
      const first = this.firstHello!;
      if (!constantTimeEqual(first.random, ch.random) || suite !== this.suite || !share) {
        throw new TlsAlertError(Alert.illegal_parameter, 'second ClientHello does not match the HelloRetryRequest');
      }
    }
    if (!share) {
      const group = ourGroups.find((g) => ch.groups.includes(g));
      if (group === undefined || this.state === 'wait_ch2') throw new TlsAlertError(Alert.handshake_failure, 'no common key exchange group');
      return this.sendHelloRetryRequest(ch, raw, suite, group);
    }

    this.serverName = ch.serverName;
    const cert = typeof this.opts.certificate === 'function' ? this.opts.certificate(ch.serverName) : this.opts.certificate;
    if (!cert) throw new TlsAlertError(Alert.unrecognized_name, `no certificate for "${ch.serverName ?? ''}"`);
    const scheme = signatureSchemesFor(cert.key).find((s) => ch.signatureSchemes.includes(s));
    if (scheme === undefined) throw new TlsAlertError(Alert.handshake_failure, 'client accepts no signature scheme our key can make');

    this.suite = suite;
    this.alpn = alpn;
    if (!this.transcript) this.transcript = new Transcript(this.hashOf(suite));
    this.transcript.add(raw);

    const ours = newKeyShare(share.group, this.random);
    const shared = sharedSecret(ours, share.key);
    const sh = msg.encodeServerHello({ random: this.random(32), sessionId: ch.sessionId, cipherSuite: SUITES[suite].tlsCode, keyShare: { group: ours.group, key: ours.publicKey } });
    this.transcript.add(sh);
    this.send(Level.Initial, sh);

    this.ks = new KeySchedule(this.hashOf(suite));
    this.ks.handshake(shared);
    let th = this.transcript.digest();
    this.cHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 'c hs traffic', th);
    const sHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 's hs traffic', th);
    this.secret(Level.Handshake, 'read', suite, this.cHs, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.secret(Level.Handshake, 'write', suite, sHs, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.out.push({ type: 'peer-transport-parameters', data: ch.transportParameters });

    const flight: Uint8Array[] = [];
    const add = (m: Uint8Array) => { flight.push(m); this.transcript.add(m); };
    add(msg.encodeEncryptedExtensions(alpn, this.opts.transportParameters));
    add(msg.encodeCertificate(cert.chain));
    add(msg.encodeCertificateVerify(scheme, sign(cert.key, scheme, msg.certificateVerifyContent(true, this.transcript.digest()))));
    add(msg.encodeFinished(this.ks.finished(sHs, this.transcript.digest())));
    for (const m of flight) this.send(Level.Handshake, m);

    this.ks.master();
    th = this.transcript.digest();
    const sAp = deriveSecret(this.ks.hash, this.ks.masterSecret, 's ap traffic', th);
    this.clientAppSecret = deriveSecret(this.ks.hash, this.ks.masterSecret, 'c ap traffic', th);
    // The server may send 1-RTT data right after its Finished (RFC 9001 §4.1.1: 0.5-RTT).
    this.secret(Level.Application, 'write', suite, sAp, 'SERVER_TRAFFIC_SECRET_0');
    this.state = 'wait_fin';
  }

  private clientAppSecret: Uint8Array = new Uint8Array(0);

  private sendHelloRetryRequest(ch: msg.ClientHello, raw: Uint8Array, suite: Suite, group: number): void {
    this.suite = suite;
    this.firstHello = ch;
    this.transcript = new Transcript(this.hashOf(suite));
    this.transcript.add(raw);
    this.transcript.replaceWithMessageHash();
    const hrr = msg.encodeServerHello({ random: HRR_RANDOM, sessionId: ch.sessionId, cipherSuite: SUITES[suite].tlsCode, selectedGroup: group });
    this.transcript.add(hrr);
    this.send(Level.Initial, hrr);
    this.state = 'wait_ch2';
  }

  private onFinished(body: Uint8Array, raw: Uint8Array): void {
    const expected = this.ks.finished(this.cHs, this.transcript.digest());
    if (!constantTimeEqual(body, expected)) throw new TlsAlertError(Alert.decrypt_error, 'bad client Finished');
    this.transcript.add(raw);
    this.secret(Level.Application, 'read', this.suite, this.clientAppSecret, 'CLIENT_TRAFFIC_SECRET_0');
    this.state = 'done';
    this.out.push({
      type: 'complete',
      info: { alpn: this.alpn, cipherSuite: SUITES[this.suite].name, resumed: false, earlyDataAccepted: false, peerCertificates: [], serverName: this.serverName },
    });
  }
}
