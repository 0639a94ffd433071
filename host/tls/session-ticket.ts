// The client's side of resumption: what a NewSessionTicket gives the application to keep
// (RFC 9846 §4.6.1), and a byte encoding to store it (a file, a cache, localStorage).
// Treat a stored ticket as a secret: it holds the resumption PSK.

import { Reader, Writer } from './bytes';
import { SUITES, suiteFromTls, type Suite } from '../crypto/suites';

export interface SessionTicket {
  /** The server's opaque ticket (the PSK identity). */
  ticket: Uint8Array;
  /** The resumption PSK. */
  psk: Uint8Array;
  suite: Suite;
  ageAdd: number;
  lifetimeSeconds: number;
  /** When the ticket arrived, milliseconds (the client's clock). */
  receivedAt: number;
  /** 0 = the server allows no 0-RTT with this ticket. */
  maxEarlyData: number;
  /** The ALPN protocol of the connection that got the ticket (0-RTT must use it). */
  alpn: string;
  serverName?: string;
  /**
   * The server's transport parameters on that connection, as 0-RTT needs them (RFC 9000
   * §7.4.1): the transport keeps only the ones a client may remember.
   */
  peerTransportParameters: Uint8Array;
  /**
   * The server's NEW_TOKEN token (RFC 9000 §8.1.3), when it sent one: the next connection
   * sends it in its Initials, so the server can skip Retry. Set by the transport.
   */
  addressToken?: Uint8Array;
}

/** Format 2 adds the NEW_TOKEN token; format 1 (without it) still decodes. */
const FORMAT = 2;

/** Whether `t` may be offered now to `serverName` (§4.6.1: within its lifetime, same server name). */
export function ticketUsable(t: SessionTicket, now: number, serverName: string | undefined): boolean {
  if (now < t.receivedAt || now - t.receivedAt >= t.lifetimeSeconds * 1000) return false;
  return (t.serverName ?? '') === (serverName ?? '');
}

export function encodeSessionTicket(t: SessionTicket): Uint8Array {
  const enc = new TextEncoder();
  return new Writer()
    .u8(FORMAT).u16(SUITES[t.suite].tlsCode).vec16(t.ticket).vec8(t.psk)
    .u32(t.ageAdd).u32(t.lifetimeSeconds).u32(Math.floor(t.receivedAt / 2 ** 32)).u32(t.receivedAt >>> 0).u32(t.maxEarlyData)
    .vec8(enc.encode(t.alpn)).vec16(enc.encode(t.serverName ?? '')).vec16(t.peerTransportParameters)
    .vec16(t.addressToken ?? new Uint8Array(0))
    .finish();
}

/** Decodes what encodeSessionTicket made; throws a RangeError on anything else. */
export function decodeSessionTicket(bytes: Uint8Array): SessionTicket {
  try {
    const dec = new TextDecoder();
    const r = new Reader(bytes);
    const format = r.u8();
    if (format !== 1 && format !== FORMAT) throw new Error('unknown format');
    const suite = suiteFromTls(r.u16());
    if (suite === undefined) throw new Error('unknown cipher suite');
    const t: SessionTicket = {
      suite, ticket: r.vec16().slice(), psk: r.vec8().slice(), ageAdd: r.u32(), lifetimeSeconds: r.u32(),
      receivedAt: r.u32() * 2 ** 32 + r.u32(), maxEarlyData: r.u32(), alpn: dec.decode(r.vec8()), peerTransportParameters: new Uint8Array(0),
    };
    const sn = dec.decode(r.vec16());
    if (sn) t.serverName = sn;
    t.peerTransportParameters = r.vec16().slice();
    if (format >= 2) {
      const token = r.vec16();
      if (token.length) t.addressToken = token.slice();
    }
    r.done('session ticket');
    return t;
  } catch (err) {
    throw new RangeError(`not an encoded session ticket: ${(err as Error).message}`);
  }
}
