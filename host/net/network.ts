// What the transport pump needs from a network (ARCHITECTURE.md §5), and nothing more.
// Platform-neutral: no node:* here. Implementations: DgramPair (unaddressed, in memory,
// host/net/dgram-pair.ts) and UdpNetwork (addressed, node:dgram, host/net/udp.ts).

/**
 * A path handle: a small integer the core carries with each datagram instead of an
 * address. Addressed networks map (remote address, port) to a handle and back;
 * unaddressed networks use path 0 for "the other end".
 */
export type PathHandle = number;

/** Called for every datagram that arrives. `data` is owned by the receiver from then on. */
export type DatagramHandler = (data: Uint8Array, path: PathHandle) => void;

/**
 * Where openPath() leads. Without `remote`: a new local socket (on `localAddress`, default
 * the address `from`'s socket is bound to, and `localPort`, default 0: an ephemeral port)
 * to the same peer — a client's migration (RFC 9000 §9.2). With `remote`: the socket of
 * `from` to another peer address — the server's preferred address (§9.6).
 */
export interface PathOptions {
  localAddress?: string;
  localPort?: number;
  remote?: { address: string; port: number };
}

/** A datagram network as the transport pump sees it. */
export interface Network {
  /** True when datagrams carry addresses (UDP), false for an in-memory pair. */
  readonly addressed: boolean;
  /**
   * Sends one datagram on `path`. The bytes are copied before this returns, so the
   * caller may reuse its buffer (the core's transmit region) at once.
   */
  send(data: Uint8Array, path: PathHandle): void;
  /** Sets the single receive handler (replaces any previous one). */
  onReceive(handler: DatagramHandler): void;
  /** Sets a handler for errors from the network (a typed QuicError); they never escape into the event loop. */
  onError(handler: (err: Error) => void): void;
  /**
   * Nothing refers to `path` any more (its connections are gone, or its datagram was
   * dropped): an addressed network may forget the address behind it. Optional.
   */
  forgetPath?(path: PathHandle): void;
  /**
   * The bytes that identify the peer behind `path` — its IP address, without the port,
   * so that NAT rebinding keeps them. A server binds its address validation tokens to
   * them (RFC 9000 §8.1). Optional: without it, tokens are bound to nothing.
   */
  addressBytes?(path: PathHandle): Uint8Array | undefined;
  /**
   * A server connection on `path` completed its handshake (its peer is authenticated): a
   * network may give that peer a socket of its own (UdpNetwork's socketPerPeer). Optional.
   */
  peerAccepted?(path: PathHandle): void;
  /**
   * Runs `fn` once the datagrams of the current wake-up have all been delivered
   * (node:dgram: a setImmediate after the poll phase, which reads up to 32). Optional:
   * with it the pump services the core once per batch instead of once per datagram.
   */
  afterReceives?(fn: () => void): void;
  /**
   * Opens another path beside `from` (see PathOptions) and resolves to its handle;
   * datagrams arrive on it from then on. A socket opened here closes by itself once
   * forgetPath() has released every path through it. Optional: a network without it
   * cannot migrate.
   */
  openPath?(from: PathHandle, options: PathOptions): Promise<PathHandle>;
  /** The local and remote addresses of `path`, when the network has addresses. Optional. */
  describePath?(path: PathHandle): { local: { address: string; port: number }; remote: { address: string; port: number } } | undefined;
  /** Largest datagram payload this network carries (bytes). */
  readonly maxDatagramSize: number;
  /** Stops delivering and releases resources. Idempotent. */
  close(): void;
}
