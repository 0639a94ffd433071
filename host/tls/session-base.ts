// What client and server share: output queue, per-level message buffers, failure to an
// alert (never an exception to the caller), secrets reported with their suite, keylog.

import { Level, type TlsOutput, type TlsSession } from './types';
import { MessageBuffer, NO_BYTES } from './messages';
import { Alert, TlsAlertError } from './alerts';
import { Suite, SUITES, suiteFromTls } from '../crypto/suites';
import { toHex } from './bytes';
import type { GroupName } from './constants';
import { Scheme } from './pki/keys';
import { randomBytes } from '../crypto/random-pool';

/** Options both sides take. */
export interface TlsCommonOptions {
  /** ALPN protocols (client: offered in order; server: its preference order). Required by QUIC. */
  alpn: string[];
  /** Our encoded QUIC transport parameters (the core makes them). */
  transportParameters: Uint8Array;
  /** Cipher suites by preference (default AES-128-GCM, ChaCha20-Poly1305, AES-256-GCM). */
  cipherSuites?: Suite[];
  /** Key exchange groups by preference (default x25519, secp256r1, secp384r1). */
  groups?: GroupName[];
  /** SSLKEYLOGFILE lines (NSS key log format), e.g. to let Wireshark decrypt a capture. */
  keyLog?: (line: string) => void;
  /** Randomness (default: the CSPRNG pool, crypto/random-pool.ts); inject for deterministic tests. */
  random?: (n: number) => Uint8Array;
  /** Clock for certificate validity (default: now). */
  now?: () => Date;
}

/** Signature schemes we verify, offered in ClientHello and CertificateRequest. */
export const VERIFY_SCHEMES: number[] = [
  Scheme.ecdsa_secp256r1_sha256, Scheme.ed25519, Scheme.ecdsa_secp384r1_sha384,
  Scheme.rsa_pss_rsae_sha256, Scheme.rsa_pss_rsae_sha384, Scheme.rsa_pss_rsae_sha512,
];

export const DEFAULT_SUITES: Suite[] = [Suite.Aes128Gcm, Suite.ChaCha20Poly1305, Suite.Aes256Gcm];

export abstract class SessionBase implements TlsSession {
  protected out: TlsOutput[] = [];
  /**
   * Per level, a message cut short by a packet boundary; made when a level first holds
   * part of one and dropped once it is whole (issue 17: a half-open server, its ClientHello
   * read, holds none).
   */
  private buffers: (MessageBuffer | undefined)[] | null = null;
  protected failed = false;
  /** For key log lines only: kept when a key log is wanted (issue 17: small half-open state). */
  protected clientRandom: Uint8Array = NO_BYTES;
  protected readonly random: (n: number) => Uint8Array;

  constructor(protected readonly common: TlsCommonOptions) {
    this.random = common.random ?? randomBytes;
  }

  /** Nothing failed, buffered or waiting to be drained. */
  protected get quiet(): boolean {
    return !this.failed && this.buffers === null && this.out.length === 0;
  }

  abstract start(): void;
  protected abstract onMessage(level: Level, type: number, body: Uint8Array, raw: Uint8Array): void;

  receive(level: Level, data: Uint8Array): void {
    if (this.failed) return;
    this.guard(() => {
      if (level < Level.Initial || level > Level.Application || level === Level.EarlyData) {
        throw new TlsAlertError(Alert.unexpected_message, `handshake data at level ${level}`);
      }
      const buffers = (this.buffers ??= [undefined, undefined, undefined, undefined]);
      const buffer = (buffers[level] ??= new MessageBuffer());
      const messages = buffer.push(data);
      if (buffer.pending === 0) {
        buffers[level] = undefined;
        if (!buffers.some(Boolean)) this.buffers = null;
      }
      for (const m of messages) {
        if (this.failed) return;
        this.onMessage(level, m.type, m.body, m.raw);
      }
    });
  }

  drain(): TlsOutput[] {
    // A fresh empty array: a spliced one keeps the capacity its pushes grew (issue 17).
    const o = this.out;
    if (o.length) this.out = [];
    return o;
  }

  /** Runs `fn`, turning any failure into one alert output. */
  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const alert = err instanceof TlsAlertError ? err.alert : Alert.internal_error;
      const reason = err instanceof Error ? err.message : String(err);
      this.failed = true;
      this.out.push({ type: 'alert', alert, reason });
    }
  }

  protected send(level: Level, data: Uint8Array): void {
    this.out.push({ type: 'handshake-data', level, data });
  }

  protected secret(level: Level, direction: 'read' | 'write', suite: Suite, secret: Uint8Array, keyLogLabel: string): void {
    this.out.push({ type: 'secret', level, direction, suite, secret });
    this.common.keyLog?.(`${keyLogLabel} ${toHex(this.clientRandom)} ${toHex(secret)}`);
  }

  protected suitePreference(): Suite[] {
    return this.common.cipherSuites ?? DEFAULT_SUITES;
  }

  protected suiteOf(code: number): Suite {
    const s = suiteFromTls(code);
    if (s === undefined) throw new TlsAlertError(Alert.illegal_parameter, `unknown cipher suite 0x${code.toString(16)}`);
    return s;
  }

  protected hashOf(s: Suite) {
    return SUITES[s].hash;
  }
}
