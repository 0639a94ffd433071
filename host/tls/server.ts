// The TLS 1.3 server for QUIC (RFC 9846 §2, §4.1.4 HelloRetryRequest, §2.2-2.3 PSK,
// resumption and 0-RTT, §4.3.2 client authentication; RFC 9001 §4, §8): ClientHello
// at Initial → ServerHello (Initial), EncryptedExtensions, [CertificateRequest,]
// Certificate, CertificateVerify (the last three not with a PSK), Finished (Handshake)
// → the client's [Certificate, CertificateVerify,] Finished (Handshake) →
// NewSessionTickets (Application).

import { Level, type ParkedBytes } from './types';
import { Alert, TlsAlertError } from './alerts';
import { Ext, Group, DEFAULT_GROUPS, HandshakeType, HRR_RANDOM, TLS13 } from './constants';
import { KeySchedule, Transcript, deriveSecret } from './keyschedule';
import { newKeyShare, sharedSecret } from './key-exchange';
import * as msg from './messages';
import { NO_BYTES } from './messages';
import * as rmsg from './messages-resumption';
import { SessionBase, VERIFY_SCHEMES, type TlsCommonOptions } from './session-base';
import { constantTimeEqual } from './bytes';
import { SUITES, type Suite } from '../crypto/suites';
import { hashLength } from '../crypto/hkdf';
import { parseCertificate, sign, signatureSchemesFor, verifySchemeSignature, type Certificate, type CertifiedKey } from './pki/index';
import { verifyChainWith, type CertificateVerificationCache } from './pki/verify-cache';
import { earlyDataRefusal, offeredBinders, selectPsk, verifyBinder, type EarlyDataOptions, type SelectedPsk } from './server-psk';
import type { ExternalPsk } from './psk';
import type { SessionTicketIssuer } from './tickets';

export type ClientAuth = 'none' | 'request' | 'require';

export interface TlsServerOptions extends TlsCommonOptions {
  /** The certificate chain and key, or a function choosing one by SNI (undefined = no SNI). Optional only for PSK-only servers. */
  certificate?: CertifiedKey | ((serverName: string | undefined) => CertifiedKey | undefined);
  /** Client certificates (seed 001's certificate_request): ignore (default), request, or require. */
  clientAuth?: ClientAuth;
  /** Trust anchors (DER) for client certificates; required unless clientAuth is 'none'. */
  clientTrustAnchors?: Uint8Array[];
  /** Where successful client-chain verifications are remembered (default: one process-wide LRU); null verifies every time. */
  verificationCache?: CertificateVerificationCache | null;
  /** External PSKs by identity (seed 001's PSK handshake mode). */
  psks?: (identity: Uint8Array) => ExternalPsk | undefined;
  /** Issue session tickets (and accept them for resumption). Share one issuer per endpoint. */
  sessionTickets?: SessionTicketIssuer;
  /** Tickets sent after each handshake (default 1). */
  ticketCount?: number;
  /** Bytes remembered in tickets for the transport or application (e.g. to vet 0-RTT later); a function is asked when a ticket is sealed. */
  ticketAppData?: Uint8Array | (() => Uint8Array);
  /** Whether a ticket with this appData may resume here at all (refused: a full handshake, RFC 9846 §4.6.1). */
  acceptTicket?: (appData: Uint8Array | undefined) => boolean;
  /** Accept 0-RTT on resumption (tickets then allow it); needs sessionTickets. */
  earlyData?: EarlyDataOptions;
  /** Our transport parameters given the client's (the QUIC version is negotiated from them, RFC 9368); overrides transportParameters. */
  transportParametersFor?: (clientParams: Uint8Array) => Uint8Array;
}

/**
 * The server name of the latest ClientHello: an equal name takes this string instead of
 * keeping its own copy (issue 17: ≈ 32 B per half-open connection, most of which name the same host).
 */
let lastServerName: string | undefined;
function sharedServerName(name: string | undefined): string | undefined {
  if (name !== undefined && name === lastServerName) return lastServerName;
  return (lastServerName = name);
}

/** The latest parked state, shared by the next ones equal to it (park()). */
let lastParked: ParkedTlsServer | null = null;

/** No client certificate (one shared empty array rather than one per connection). */
const NO_CHAIN: readonly Uint8Array[] = Object.freeze([]);

type State = 'wait_ch' | 'wait_ch2' | 'wait_client_cert' | 'wait_client_cv' | 'wait_fin' | 'done';

/**
 * What a server keeps while it waits for the client's Finished, without client
 * authentication (park(), issue 17): the transport may drop the session and make a new
 * one from this when the client's next bytes arrive.
 */
export interface ParkedTlsServer {
  readonly suite: Suite;
  readonly alpn: string;
  readonly serverName: string | undefined;
  readonly psk: SelectedPsk | undefined;
  readonly earlyDataRejected: string | undefined;
  readonly clientChain: readonly Uint8Array[];
  readonly clientRandom: Uint8Array;
}

export class TlsServer extends SessionBase {
  private state: State = 'wait_ch';
  private suite!: Suite;
  private transcript!: Transcript;
  private ks!: KeySchedule;
  private cHs: Uint8Array = NO_BYTES;
  /**
   * What waits for the client's Finished, in one array: client_application_traffic_secret_0,
   * then — without client authentication, where they are known once our Finished is sent —
   * the client's expected verify_data and, for tickets, the resumption master secret
   * (RFC 9846 §4.4.4, §7.1), each one hash long. The transcript and the earlier secrets are
   * dropped then (issue 17: a half-open connection waits with these few bytes, not its
   * transcript; one array rather than one per secret: ≈ 0.23 KB of JS heap each).
   */
  private awaiting: Uint8Array = NO_BYTES;
  private alpn = '';
  private serverName?: string;
  private firstHello?: msg.ClientHello;
  private psk?: SelectedPsk;
  private earlyData = false;
  private earlyDataRejected?: string;
  /** The client's chain once it sent one (replaced, never pushed to: the empty one is shared). */
  private clientChain: readonly Uint8Array[] = NO_CHAIN;
  /** The verified client leaf, as chain verification parsed it: CertificateVerify needs its key. */
  private clientLeaf: Certificate | null = null;

  constructor(private readonly opts: TlsServerOptions) {
    super(opts);
    if (!opts.certificate && !opts.psks) throw new TypeError('a TLS server needs a certificate (or external PSKs)');
    if ((opts.clientAuth ?? 'none') !== 'none' && !opts.clientTrustAnchors?.length) throw new TypeError(`clientAuth '${opts.clientAuth}' needs clientTrustAnchors`);
    if (opts.earlyData && !opts.sessionTickets) throw new TypeError('earlyData needs sessionTickets (0-RTT rides on resumption)');
  }

  start(): void {
    // The server speaks when the ClientHello arrives.
  }

  protected onMessage(level: Level, type: number, body: Uint8Array, raw: Uint8Array): void {
    const at = (s: State, t: number) => this.state === s && level === (s === 'wait_ch' || s === 'wait_ch2' ? Level.Initial : Level.Handshake) && type === t;
    if (at('wait_ch', HandshakeType.client_hello) || at('wait_ch2', HandshakeType.client_hello)) return this.onClientHello(body, raw);
    if (at('wait_client_cert', HandshakeType.certificate)) return this.onClientCertificate(body, raw);
    if (at('wait_client_cv', HandshakeType.certificate_verify)) return this.onClientCertificateVerify(body, raw);
    if (at('wait_fin', HandshakeType.finished)) return this.onFinished(body, raw);
    throw new TlsAlertError(Alert.unexpected_message, `unexpected handshake message ${type} at level ${level} in state ${this.state}`);
  }

  private onClientHello(body: Uint8Array, raw: Uint8Array): void {
    const ch = msg.parseClientHello(body);
    if (this.opts.keyLog) this.clientRandom = ch.random;
    if (!ch.versions.includes(TLS13)) throw new TlsAlertError(Alert.protocol_version, 'client does not offer TLS 1.3');
    // RFC 9001 §8.4: QUIC clients send an empty legacy_session_id.
    if (ch.sessionId.length !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'non-empty legacy_session_id (RFC 9001 §8.4)');
    if (!ch.transportParameters) throw new TlsAlertError(Alert.missing_extension, 'ClientHello without quic_transport_parameters (RFC 9001 §8.2)');
    // Before anything is sent: the transport may change the QUIC version from them (RFC 9369 §4: all CRYPTO frames in the negotiated one).
    const ourParams = this.opts.transportParametersFor?.(ch.transportParameters) ?? this.opts.transportParameters;
    if (!ch.extensions.has(Ext.alpn)) throw new TlsAlertError(Alert.no_application_protocol, 'ClientHello without ALPN (required by QUIC, RFC 9001 §8.1)');
    const alpn = this.opts.alpn.find((p) => ch.alpn.includes(p));
    if (!alpn) throw new TlsAlertError(Alert.no_application_protocol, `no common ALPN protocol (client offered ${ch.alpn.join(', ')})`);

    const candidates = this.suitePreference().filter((s) => ch.cipherSuites.includes(SUITES[s].tlsCode));
    if (!candidates.length) throw new TlsAlertError(Alert.handshake_failure, 'no common cipher suite');
    if (!ch.extensions.has(Ext.supported_groups) || !ch.extensions.has(Ext.key_share)) throw new TlsAlertError(Alert.missing_extension, 'ClientHello without supported_groups/key_share');
    const ourGroups: number[] = (this.opts.groups ?? DEFAULT_GROUPS).map((g) => Group[g]);
    const share = ourGroups.map((g) => ch.keyShares.find((k) => k.group === g)).find(Boolean);

    const chosen = selectPsk(ch, candidates, { psks: this.opts.psks, sessionTickets: this.opts.sessionTickets, requireClientCertificate: this.opts.clientAuth === 'require', acceptTicket: this.opts.acceptTicket?.bind(this.opts) });
    const suite = this.state === 'wait_ch2' ? this.suite : chosen?.suite ?? candidates[0];
    if (this.state === 'wait_ch2') {
      // The second ClientHello must follow the HelloRetryRequest (§4.1.2) and may not ask for 0-RTT (§4.2.10).
      if (!constantTimeEqual(this.firstHello!.random, ch.random) || !candidates.includes(suite) || !share) {
        throw new TlsAlertError(Alert.illegal_parameter, 'second ClientHello does not match the HelloRetryRequest');
      }
      if (ch.extensions.has(Ext.early_data)) throw new TlsAlertError(Alert.illegal_parameter, 'early_data after HelloRetryRequest');
      this.firstHello = undefined;
    }
    if (!share) {
      const group = ourGroups.find((g) => ch.groups.includes(g));
      if (group === undefined || this.state === 'wait_ch2') throw new TlsAlertError(Alert.handshake_failure, 'no common key exchange group');
      return this.sendHelloRetryRequest(ch, raw, suite, group);
    }

    const psk = chosen && SUITES[suite].hash === chosen.psk.hash ? chosen.psk : undefined;
    this.suite = suite;
    this.alpn = alpn;
    this.serverName = sharedServerName(ch.serverName);
    this.ks = new KeySchedule(this.hashOf(suite), psk?.key);
    if (psk) {
      verifyBinder(psk, this.ks, raw, this.transcript, offeredBinders(ch));
      this.psk = psk;
      if (psk.ticket?.clientCertificate) this.clientChain = [psk.ticket.clientCertificate];
    }
    let cert: CertifiedKey | undefined;
    let scheme: number | undefined;
    if (!psk) {
      cert = typeof this.opts.certificate === 'function' ? this.opts.certificate(ch.serverName) : this.opts.certificate;
      if (!cert) throw new TlsAlertError(this.opts.certificate ? Alert.unrecognized_name : Alert.handshake_failure, this.opts.certificate ? `no certificate for "${ch.serverName ?? ''}"` : 'no acceptable PSK offered (this server has no certificate)');
      scheme = signatureSchemesFor(cert.key).find((s) => ch.signatureSchemes.includes(s));
      if (scheme === undefined) throw new TlsAlertError(Alert.handshake_failure, 'client accepts no signature scheme our key can make');
    }

    if (!this.transcript) this.transcript = new Transcript(this.hashOf(suite));
    this.transcript.add(raw);
    const refusal = earlyDataRefusal(ch, psk, suite, alpn, this.opts.earlyData);
    this.earlyData = refusal === undefined;
    this.earlyDataRejected ??= refusal; // after a HelloRetryRequest, that is the reason
    if (this.earlyData) {
      this.secret(Level.EarlyData, 'read', suite, this.ks.clientEarlyTraffic(this.transcript.digest()), 'CLIENT_EARLY_TRAFFIC_SECRET');
    }

    const ours = newKeyShare(share.group, this.random);
    const sh = msg.encodeServerHello({
      random: this.random(32), sessionId: ch.sessionId, cipherSuite: SUITES[suite].tlsCode, keyShare: { group: ours.group, key: ours.publicKey },
      extraExtensions: psk ? [[Ext.pre_shared_key, rmsg.encodeSelectedPsk(psk.index)]] : [],
    });
    this.transcript.add(sh);
    this.send(Level.Initial, sh);

    this.ks.handshake(sharedSecret(ours, share.key));
    let th = this.transcript.digest();
    this.cHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 'c hs traffic', th);
    const sHs = deriveSecret(this.ks.hash, this.ks.handshakeSecret, 's hs traffic', th);
    this.secret(Level.Handshake, 'read', suite, this.cHs, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.secret(Level.Handshake, 'write', suite, sHs, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.out.push({ type: 'peer-transport-parameters', data: ch.transportParameters });

    const flight: Uint8Array[] = [];
    const add = (m: Uint8Array) => { flight.push(m); this.transcript.add(m); };
    add(msg.encodeEncryptedExtensions(alpn, ourParams, this.earlyData));
    // No CertificateRequest with a PSK (§4.3.2): the PSK (or the ticket's remembered certificate) authenticates.
    const askClient = !psk && (this.opts.clientAuth ?? 'none') !== 'none';
    if (askClient) add(rmsg.encodeCertificateRequest(VERIFY_SCHEMES));
    if (cert && scheme !== undefined) {
      add(msg.encodeCertificate(cert.chain));
      add(msg.encodeCertificateVerify(scheme, sign(cert.key, scheme, msg.certificateVerifyContent(true, this.transcript.digest()))));
    }
    add(msg.encodeFinished(this.ks.finished(sHs, this.transcript.digest())));
    for (const m of flight) this.send(Level.Handshake, m);

    this.ks.master();
    th = this.transcript.digest();
    const sAp = deriveSecret(this.ks.hash, this.ks.masterSecret, 's ap traffic', th);
    const cAp = deriveSecret(this.ks.hash, this.ks.masterSecret, 'c ap traffic', th);
    // The server may send 1-RTT data right after its Finished (RFC 9001 §4.1.1: 0.5-RTT).
    this.secret(Level.Application, 'write', suite, sAp, 'SERVER_TRAFFIC_SECRET_0');
    if (askClient) {
      this.awaiting = cAp;
      this.transcript.compact(); // what waits for the client's certificate: one array, not the ClientHello's buffer and each message
      this.state = 'wait_client_cert';
    } else {
      this.awaitFinished(th, cAp);
      this.state = 'wait_fin';
    }
  }

  /**
   * This session's state when all it waits for is the client's Finished (no partial
   * message buffered, no 0-RTT accepted, nothing to drain), else null. A new session from
   * the same options takes it back with unpark().
   */
  park(bytes: ParkedBytes): ParkedTlsServer | null {
    const n = hashLength(this.hashOf(this.suite));
    if (this.state !== 'wait_fin' || this.earlyData || this.awaiting.length < 2 * n || !this.quiet) return null;
    bytes.write(this.awaiting);
    const last = lastParked;
    // Equal to the last one parked (most are, in a flood of spoofed Initials): shared, as it is never written.
    if (last && last.suite === this.suite && last.alpn === this.alpn && last.serverName === this.serverName && last.psk === this.psk
      && last.earlyDataRejected === this.earlyDataRejected && last.clientChain === this.clientChain && last.clientRandom === this.clientRandom) return last;
    return (lastParked = {
      suite: this.suite, alpn: this.alpn, serverName: this.serverName, psk: this.psk, earlyDataRejected: this.earlyDataRejected,
      clientChain: this.clientChain, clientRandom: this.clientRandom,
    });
  }

  /** Takes back a parked session's state (on a session that has received nothing). */
  unpark(p: ParkedTlsServer, bytes: ParkedBytes): void {
    if (this.state !== 'wait_ch' || !this.quiet) throw new Error('unpark() on a session already in use');
    this.awaiting = bytes.read();
    this.suite = p.suite;
    this.alpn = p.alpn;
    this.serverName = p.serverName;
    this.psk = p.psk;
    this.earlyDataRejected = p.earlyDataRejected;
    this.clientChain = p.clientChain;
    this.clientRandom = p.clientRandom;
    this.ks = new KeySchedule(this.hashOf(p.suite)); // its hash is all the tickets' PSKs need from it now
    this.state = 'wait_fin';
  }

  /** `awaiting` with the client's Finished and the resumption secret precomputed; `th` hashes up to our Finished. */
  private awaitFinished(th: Uint8Array, cAp: Uint8Array): void {
    const finished = this.ks.finished(this.cHs, th);
    const res = this.opts.sessionTickets
      ? deriveSecret(this.ks.hash, this.ks.masterSecret, 'res master', this.transcript.digestWith(msg.encodeFinished(finished)))
      : undefined;
    const n = cAp.length;
    const a = new Uint8Array(res ? 3 * n : 2 * n);
    a.set(cAp);
    a.set(finished, n);
    if (res) a.set(res, 2 * n);
    this.awaiting = a;
    this.ks.forget();
    this.cHs = NO_BYTES;
    this.transcript = undefined!;
  }

  /** One hash-long part of `awaiting` (0: the client's traffic secret, 1: Finished, 2: resumption), copied; empty when not precomputed. */
  private awaited(part: number): Uint8Array {
    const n = hashLength(this.hashOf(this.suite));
    return this.awaiting.length >= (part + 1) * n ? this.awaiting.slice(part * n, (part + 1) * n) : NO_BYTES;
  }

  private sendHelloRetryRequest(ch: msg.ClientHello, raw: Uint8Array, suite: Suite, group: number): void {
    this.suite = suite;
    this.firstHello = ch;
    this.transcript = new Transcript(this.hashOf(suite));
    this.transcript.add(raw);
    this.transcript.replaceWithMessageHash();
    const hrr = msg.encodeServerHello({ random: HRR_RANDOM, sessionId: ch.sessionId, cipherSuite: SUITES[suite].tlsCode, selectedGroup: group });
    this.transcript.add(hrr);
    this.send(Level.Initial, hrr);
    // 0-RTT sent with the first ClientHello is refused by the retry itself.
    if (ch.extensions.has(Ext.early_data)) this.earlyDataRejected = 'HelloRetryRequest';
    this.state = 'wait_ch2';
  }

  private onClientCertificate(body: Uint8Array, raw: Uint8Array): void {
    if (body[0] !== 0) throw new TlsAlertError(Alert.illegal_parameter, 'client Certificate with a request context we did not send');
    const chain = msg.parseCertificateMessage(body);
    this.clientChain = chain;
    this.transcript.add(raw);
    if (!this.clientChain.length) {
      if (this.opts.clientAuth === 'require') throw new TlsAlertError(Alert.certificate_required, 'a client certificate is required');
      this.state = 'wait_fin';
      return;
    }
    const v = verifyChainWith(this.opts.verificationCache, chain, { trustAnchors: this.opts.clientTrustAnchors ?? [], now: this.opts.now?.(), purpose: 'client' });
    if (!v.ok) throw new TlsAlertError(v.alert, `client certificate: ${v.reason}`);
    this.clientLeaf = v.leaf;
    this.state = 'wait_client_cv';
  }

  private onClientCertificateVerify(body: Uint8Array, raw: Uint8Array): void {
    const cv = msg.parseCertificateVerify(body);
    if (!VERIFY_SCHEMES.includes(cv.scheme)) throw new TlsAlertError(Alert.illegal_parameter, `client used signature scheme 0x${cv.scheme.toString(16)} we did not request`);
    const content = msg.certificateVerifyContent(false, this.transcript.digest());
    if (!verifySchemeSignature(this.clientLeaf ?? parseCertificate(this.clientChain[0]), cv.scheme, content, cv.signature)) throw new TlsAlertError(Alert.decrypt_error, 'bad client CertificateVerify signature');
    this.transcript.add(raw);
    this.state = 'wait_fin';
  }

  private onFinished(body: Uint8Array, raw: Uint8Array): void {
    const precomputed = this.awaited(1);
    const expected = precomputed.length ? precomputed : this.ks.finished(this.cHs, this.transcript.digest());
    if (!constantTimeEqual(body, expected)) throw new TlsAlertError(Alert.decrypt_error, 'bad client Finished');
    if (!precomputed.length) this.transcript.add(raw);
    this.secret(Level.Application, 'read', this.suite, this.awaited(0), 'CLIENT_TRAFFIC_SECRET_0');
    this.state = 'done';
    this.out.push({
      type: 'complete',
      info: {
        alpn: this.alpn, cipherSuite: SUITES[this.suite].name, resumed: !!this.psk?.resumption, externalPsk: !!this.psk && !this.psk.resumption,
        earlyDataAccepted: this.earlyData, earlyDataRejected: this.earlyData ? undefined : this.earlyDataRejected,
        peerCertificates: [...this.clientChain], serverName: this.serverName,
      },
    });
    this.sendTickets();
  }

  /** NewSessionTickets at the Application level (§4.6.1), each with its own nonce and age_add. */
  private sendTickets(): void {
    const issuer = this.opts.sessionTickets;
    if (!issuer) return;
    const precomputed = this.awaited(2);
    const resumptionMaster = precomputed.length ? precomputed : this.ks.resumptionMaster(this.transcript.digest());
    const appData = typeof this.opts.ticketAppData === 'function' ? this.opts.ticketAppData() : this.opts.ticketAppData;
    for (let i = 0; i < (this.opts.ticketCount ?? 1); i++) {
      const nonce = Uint8Array.of(i);
      const ageAdd = new DataView(this.random(4).buffer).getUint32(0);
      const maxEarlyData = this.opts.earlyData ? rmsg.QUIC_MAX_EARLY_DATA : 0;
      const ticket = issuer.seal({
        suite: this.suite, psk: this.ks.ticketPskFrom(resumptionMaster, nonce), issuedAt: issuer.now(), ageAdd, lifetimeSeconds: issuer.lifetimeSeconds,
        maxEarlyData, alpn: this.alpn, serverName: this.serverName, clientCertificate: this.clientChain[0], appData,
      }, this.random);
      this.send(Level.Application, rmsg.encodeNewSessionTicket({ lifetimeSeconds: issuer.lifetimeSeconds, ageAdd, nonce, ticket, maxEarlyData }));
    }
  }
}
