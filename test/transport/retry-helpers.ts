// Helpers for Retry and token tests: a network wrapper that lets a test see, change,
// drop or add datagrams on the server's side, a simulator built on it, and a few
// parsers/builders of Retry packets (RFC 9000 §17.2.5).
import type { DatagramHandler, Network, PathHandle } from '../../host/net/network';
import { DgramPair } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { createClientEndpoint, createServerEndpoint, type EndpointConfig } from '../../host/transport/create';
import { retryIntegrityTag } from '../../host/crypto/retry';
import { coreModule, cert, runUntil } from './sim';
import type { QuicConnection } from '../../host/transport/connection';

/** Wraps a network: `onSend` / `onReceive` return the datagrams to pass on instead (none drops). */
export class TapNetwork implements Network {
  readonly addressed: boolean;
  readonly maxDatagramSize: number;
  private handler: DatagramHandler | null = null;
  onSend: (d: Uint8Array, path: PathHandle) => Uint8Array[] = (d) => [d];
  onReceive_: (d: Uint8Array, path: PathHandle) => Uint8Array[] = (d) => [d];
  /** What addressBytes answers (undefined: no address, as a DgramPair). */
  address: ((path: PathHandle) => Uint8Array | undefined) | undefined;

  constructor(private readonly inner: Network) {
    this.addressed = inner.addressed;
    this.maxDatagramSize = inner.maxDatagramSize;
    inner.onReceive((d, p) => { for (const x of this.onReceive_(d, p)) this.handler?.(x, p); });
  }

  /** Delivers `d` to the endpoint as if it arrived on `path`. */
  inject(d: Uint8Array, path: PathHandle = 0): void { this.handler?.(d, path); }
  /** Sends `d` toward the other end as if the endpoint sent it. */
  sendRaw(d: Uint8Array, path: PathHandle = 0): void { this.inner.send(d, path); }

  send(data: Uint8Array, path: PathHandle): void { for (const x of this.onSend(data.slice(), path)) this.inner.send(x, path); }
  onReceive(h: DatagramHandler): void { this.handler = h; }
  onError(h: (err: Error) => void): void { this.inner.onError(h); }
  addressBytes(path: PathHandle): Uint8Array | undefined { return this.address?.(path); }
  close(): void { this.inner.close(); }
}

/** A client and a server over a DgramPair (5 ms each way); the server's end is tapped. */
export function tappedSim(server: Partial<EndpointConfig> = {}, client: Partial<EndpointConfig> = {}) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 3, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
  const tap = new TapNetwork(pair.b);
  const srv = createServerEndpoint({ coreModule: coreModule(), network: tap, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] }, ...server });
  const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] }, ...client });
  return { clock, pair, tap, srv, cli };
}

/** Connects (with `session` when given) and waits for both ends; null when the handshake did not complete. */
export async function connect(s: ReturnType<typeof tappedSim>, opts: Record<string, unknown> = {}, maxUs = 20_000_000): Promise<{ client: QuicConnection; server: QuicConnection } | null> {
  let server: QuicConnection | null = null;
  s.srv.accept().then((c) => { server = c; }, () => undefined);
  const client = s.cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], ...opts });
  let ready = false;
  client.established.then(() => { ready = true; }, () => undefined);
  if (!(await runUntil(s.clock, () => ready && server !== null, maxUs))) return null;
  return { client, server: server! };
}

/** True for a v1 Retry packet (long header, type 3). */
export function isRetry(d: Uint8Array | undefined): boolean {
  return !!d && (d[0] & 0xf0) === 0xf0 && d[1] === 0 && d[2] === 0 && d[3] === 0 && d[4] === 1;
}

/** True for a v1 Initial (long header, type 0). */
export function isInitial(d: Uint8Array | undefined): boolean {
  return !!d && (d[0] & 0xf0) === 0xc0 && d[4] === 1;
}

/** The fields of a Retry. */
export function retryParts(d: Uint8Array): { dcid: Uint8Array; scid: Uint8Array; token: Uint8Array; tag: Uint8Array } {
  const dl = d[5];
  const sl = d[6 + dl];
  return { dcid: d.slice(6, 6 + dl), scid: d.slice(7 + dl, 7 + dl + sl), token: d.slice(7 + dl + sl, d.length - 16), tag: d.slice(d.length - 16) };
}

/** A v1 Retry with a correct integrity tag for a client whose first DCID was `odcid`. */
export function retryPacket(odcid: Uint8Array, dcid: Uint8Array, scid: Uint8Array, token: Uint8Array): Uint8Array {
  const body = Uint8Array.from([0xf0, 0, 0, 0, 1, dcid.length, ...dcid, scid.length, ...scid, ...token]);
  const tag = retryIntegrityTag(1, odcid, body);
  const out = new Uint8Array(body.length + 16);
  out.set(body);
  out.set(tag, body.length);
  return out;
}

/** DCID and SCID of a long-header packet. */
export function longCids(d: Uint8Array): { dcid: Uint8Array; scid: Uint8Array } {
  const dl = d[5];
  return { dcid: d.slice(6, 6 + dl), scid: d.slice(7 + dl, 7 + dl + d[6 + dl]) };
}

/** The token of a v1 Initial (its 1- or 2-byte length varint). */
export function initialToken(d: Uint8Array): Uint8Array {
  const dl = d[5];
  const at = 7 + dl + d[6 + dl];
  const b = d[at];
  if (b >> 6 === 0) return d.slice(at + 1, at + 1 + b);
  const len = ((b & 0x3f) << 8) | d[at + 1];
  return d.slice(at + 2, at + 2 + len);
}

// ---- a server facing many injected sources (test/transport/flood.ts) ----------------

import { MultiSourceNetwork, openClientInitial } from './flood';
import { randomBytes } from 'node:crypto';

/** A server whose network has the real client on path 0 and injected sources on paths 1.. (each its own address). */
export function sourcesSim(server: Partial<EndpointConfig> = {}) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 7, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
  const net = new MultiSourceNetwork(pair.b);
  const srv = createServerEndpoint({ coreModule: coreModule(), network: net, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] }, ...server });
  const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] } });
  return { clock, pair, net, srv, cli };
}

/** A real client's first Initial: its frames (CRYPTO with a ClientHello, PADDING) and SCID, to forge Initials from. */
export async function realClientHello(): Promise<{ frames: Uint8Array; scid: Uint8Array }> {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock });
  let first: Uint8Array | null = null;
  pair.b.onReceive((d) => { first ??= d.slice(); });
  const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] } });
  const conn = cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  conn.established.catch(() => undefined);
  await runUntil(clock, () => first !== null, 1_000_000);
  return openClientInitial(first!);
}

/** Connects the real client (path 0) and echoes `size` bytes, calling `whileWaiting` at every step. */
export async function echoWhile(s: ReturnType<typeof sourcesSim>, size: number, whileWaiting: () => void = () => {}): Promise<{ ok: boolean; client: QuicConnection | null }> {
  let serverConn: QuicConnection | null = null;
  s.srv.accept().then((c) => { serverConn = c; (async () => { const st = await c.acceptStream(); await st.end(await st.readAll()); })().catch(() => undefined); }, () => undefined);
  const conn = s.cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  let established = false;
  conn.established.then(() => { established = true; }, () => undefined);
  if (!(await runUntil(s.clock, () => { whileWaiting(); return established && serverConn !== null; }, 20_000_000))) return { ok: false, client: conn };
  const payload = randomBytes(size);
  const st = conn.openStream();
  await st.end(new Uint8Array(payload));
  let echoed: Uint8Array | null = null;
  st.readAll().then((d) => { echoed = d; }, () => undefined);
  await runUntil(s.clock, () => { whileWaiting(); return echoed !== null; }, 20_000_000);
  return { ok: echoed !== null && Buffer.from(echoed).equals(payload), client: conn };
}
