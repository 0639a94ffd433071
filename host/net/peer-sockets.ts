// Socket per peer (seed 004; seed 000's "bind-connect group with fallback reinjection",
// BCG-R): each peer whose connection was accepted gets its own UDP socket, bound to the
// listener's address and port (SO_REUSEADDR on both) and connect()ed to the peer, so the
// kernel hands that peer's datagrams to it and sends go out with send() rather than
// sendto(). Reinjection is free here: whatever socket a datagram arrives on, it is handed
// to the endpoint by its source address (which the race between bind() and connect(), or
// a peer that moved, makes necessary). Where the platform refuses the second bind, the
// peer stays on the listening socket. Node-only (node:dgram).
//
// Linux routes a connected UDP socket's 4-tuple to it ahead of the unconnected listener;
// BSDs refuse binding a specific address twice; Windows matches on the local address only
// and gives connected sockets nothing to receive (seed 004). Both of those keep working,
// on the listener.

import * as dgram from 'node:dgram';
import type { PathHandle } from './network';
import type { UdpAddress } from './udp-common';

/** Counters of the peer sockets. */
export interface PeerSocketStats {
  /** Peer sockets open now. */
  open: number;
  /** Peer sockets opened in total. */
  opened: number;
  /** Peers the platform refused a socket (they stay on the listener). */
  refused: number;
  /** Datagrams received on peer sockets (the rest arrive on the listener). */
  received: number;
}

interface Peer {
  socket: dgram.Socket;
  connected: boolean;
}

/** The peer sockets of one listening UdpNetwork. */
export class PeerSockets {
  readonly stats: PeerSocketStats = { open: 0, opened: 0, refused: 0, received: 0 };
  private readonly peers = new Map<PathHandle, Peer>();

  constructor(
    private readonly type: 'udp4' | 'udp6',
    private readonly local: () => UdpAddress,
    /** Hands a datagram that arrived on a peer socket to the endpoint, by its source. */
    private readonly deliver: (msg: Buffer, from: UdpAddress) => void,
    private readonly report: (what: string, err: unknown) => void,
  ) {}

  /** Opens a socket for the peer behind `path` (once per path). */
  open(path: PathHandle, peer: UdpAddress): void {
    if (this.peers.has(path)) return;
    let socket: dgram.Socket;
    try {
      socket = dgram.createSocket({ type: this.type, reuseAddr: true, ipv6Only: this.type === 'udp6' ? true : undefined });
    } catch (err) {
      this.stats.refused++;
      return this.report('cannot create a peer socket', err);
    }
    const entry: Peer = { socket, connected: false };
    this.peers.set(path, entry);
    this.stats.open++;
    socket.on('message', (msg, rinfo) => {
      this.stats.received++;
      this.deliver(msg, { address: rinfo.address, port: rinfo.port });
    });
    const fail = (err: unknown) => {
      // Refused by the platform (or broken later): the listener carries this peer again.
      if (!entry.connected) this.stats.refused++;
      this.drop(path, entry);
      this.report(`peer socket for ${peer.address}:${peer.port}`, err);
    };
    socket.once('error', fail);
    const { address, port } = this.local();
    socket.bind(port, address, () => {
      socket.connect(peer.port, peer.address, () => {
        if (this.peers.get(path) !== entry) return; // forgotten meanwhile
        entry.connected = true;
        this.stats.opened++;
      });
    });
  }

  /**
   * Sends on the peer's own socket if it has a connected one; false to use the listener.
   * `done` runs once the send completed (with its error, if any), and then only.
   */
  send(path: PathHandle, copy: Uint8Array, done: (err: Error | null) => void): boolean {
    const p = this.peers.get(path);
    if (!p || !p.connected) return false;
    try {
      p.socket.send(copy, (err) => done(err ?? null));
    } catch (err) {
      done(err as Error);
    }
    return true;
  }

  /** The path is gone (its connections ended): close its socket. */
  forget(path: PathHandle): void {
    const p = this.peers.get(path);
    if (p) this.drop(path, p);
  }

  /** Closes every peer socket. */
  closeAll(): void {
    for (const [path, p] of [...this.peers]) this.drop(path, p);
  }

  private drop(path: PathHandle, p: Peer): void {
    if (this.peers.get(path) !== p) return;
    this.peers.delete(path);
    this.stats.open--;
    try { p.socket.close(); } catch { /* already closed */ }
  }
}
