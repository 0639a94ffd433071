// UDP through Deno's own API, Deno.listenDatagram (Deno 2 puts it behind --unstable-net).
// Measured on loopback: Deno's node:dgram delivers 58% of a 20 000-datagram burst and its
// socket buffer size cannot be set, so QUIC over it backs off to a few Mbit/s; this API
// delivers 99.8% of the same burst. The Node entry picks it when it exists.

import { QuicSocketError, UdpNetworkBase, type UdpAddress } from './udp-common';

interface DenoNetAddr { transport: 'udp'; hostname: string; port: number }
interface DenoDatagramConn extends AsyncIterable<[Uint8Array, DenoNetAddr]> {
  readonly addr: DenoNetAddr;
  send(p: Uint8Array, addr: DenoNetAddr): Promise<number>;
  close(): void;
}
interface DenoGlobal {
  listenDatagram?: (o: { transport: 'udp'; hostname: string; port: number }) => DenoDatagramConn;
}

function deno(): DenoGlobal | undefined {
  return (globalThis as { Deno?: DenoGlobal }).Deno;
}

/** True in Deno with --unstable-net (or wherever Deno.listenDatagram exists). */
export function denoDatagramsAvailable(): boolean {
  return typeof deno()?.listenDatagram === 'function';
}

export class DenoUdpNetwork extends UdpNetworkBase {
  private readonly done: Promise<void>;

  private constructor(private readonly conn: DenoDatagramConn, maxDatagramSize?: number) {
    super(maxDatagramSize ?? 1452);
    this.done = this.receiveLoop();
  }

  // `override`: a static bind() shadows Function.prototype.bind on the class, which TS counts as the base.
  static override bind(opts: { address?: string; port?: number; maxDatagramSize?: number } = {}): Promise<DenoUdpNetwork> {
    const listen = deno()?.listenDatagram;
    if (!listen) return Promise.reject(new QuicSocketError('Deno.listenDatagram is not available (run Deno with --unstable-net)'));
    const hostname = opts.address ?? '127.0.0.1';
    try {
      return Promise.resolve(new DenoUdpNetwork(listen({ transport: 'udp', hostname, port: opts.port ?? 0 }), opts.maxDatagramSize));
    } catch (err) {
      return Promise.reject(new QuicSocketError(`cannot bind UDP ${hostname}:${opts.port ?? 0}: ${(err as Error).message}`, (err as { code?: string }).code, { cause: err }));
    }
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const [data, from] of this.conn) {
        if (this.closed) break;
        this.deliver(data, { address: from.hostname, port: from.port });
      }
    } catch (err) {
      if (!this.closed) this.report(new QuicSocketError(`UDP receive failed: ${(err as Error).message}`, undefined, { cause: err }));
    }
  }

  override get local(): UdpAddress {
    return { address: this.conn.addr.hostname, port: this.conn.addr.port };
  }

  protected override sendTo(copy: Uint8Array, to: UdpAddress): void {
    this.conn.send(copy, { transport: 'udp', hostname: to.address, port: to.port }).then(() => this.sendPool.release(copy), (err: Error) => {
      if (!this.closed) this.report(new QuicSocketError(`send to ${to.address}:${to.port} failed: ${err.message}`, undefined, { cause: err }));
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try { this.conn.close(); } catch { /* already closed */ }
    await this.done;
  }
}
