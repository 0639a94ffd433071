// A connection's paths as the application sees them (RFC 9000 §9): the `pathchange`
// event at both ends, a client's migrate() and its move to the server's preferred
// address (§9.6). The protocol — which CID, validation, fallback, CC/RTT reset — is the
// core's (assembly/conn/path-migrate.ts, path.ts); this file opens the network paths,
// turns the core's refusals into typed errors and settles the promises.
//
// What a path is here: a network path handle, i.e. a (local socket, peer address) pair
// (host/net/udp-common.ts PathTable). migrate() asks the network for a new local socket
// to the same server (Network.openPath), hands its handle to the core, and resolves when
// the core reports the path validated (PATH_VALIDATED). Until then both sockets read:
// the old one closes when the core releases its path (PATH_UNUSED → forgetPath). On a
// failed validation the core goes back to the old path and migrate() rejects with
// ERR_QUIC_PATH_VALIDATION_FAILED (the new socket closes the same way).

import { EventKind, type CoreEvent } from '../core/conn-abi';
import { MigrateError } from '../core/abi.generated';
import { PathAbi, type PreferredAddress } from '../core/path-abi';
import { QuicArgumentError, QuicError, QuicMigrationError } from '../errors';
import type { Network, PathHandle } from '../net/network';
import type { Clock } from './clock';
import type { Core } from '../core/core';
import { guard, clockTimers, type WaitOptions } from '../api/abort';

/** Options of connection.migrate(). */
export interface MigrateOptions extends WaitOptions {
  /** Local address of the new socket (default: the one the current socket is bound to). */
  localAddress?: string;
  /** Local port of the new socket (default 0: an ephemeral port). */
  localPort?: number;
}

/**
 * A `pathchange` event. `initiator`: 'peer' when the peer moved (a server following its
 * client's NAT rebinding or migration, §9.3), 'local' when we did (a client's migrate()
 * or its move to the preferred address). `phase`: 'moved' (sending on `path` now, not
 * validated yet), 'validated' (our move was confirmed by PATH_RESPONSE and `previous` is
 * released), 'reverted' (`path` is the old path again after `previous` failed validation,
 * §9.3.2; `reverted` is true then).
 */
export interface PathChange {
  /** The path handle we send on now. */
  path: number;
  /** The path handle before the change. */
  previous: number;
  /** True when the connection went back to the last validated path (phase 'reverted'). */
  reverted: boolean;
  initiator: 'local' | 'peer';
  phase: 'moved' | 'validated' | 'reverted';
  /** The move leads to the server's preferred address (§9.6). */
  preferredAddress: boolean;
  /** Addresses of `path` when the network has them (UDP). */
  local?: { address: string; port: number };
  remote?: { address: string; port: number };
}

/** What the path room needs from its connection's endpoint (a ConnectionHost). */
export interface PathHost {
  readonly abi: { readonly core: Core };
  readonly network: Network;
  readonly isServer: boolean;
  readonly clock: Clock;
  service(): void;
}

interface PathOwner extends PathHost {
  readonly handle: number;
  readonly pathAbi: PathAbi;
  /** The current path handle (the core's). */
  currentPath(): PathHandle;
  /** Throws when the connection is closed. */
  assertOpen(): void;
  emit(change: PathChange): void;
}

const REFUSALS: Record<number, [string, string]> = {
  [MigrateError.SERVER]: ['ERR_QUIC_MIGRATION_UNSUPPORTED', 'only a client migrates (RFC 9000 §9)'],
  [MigrateError.NOT_CONFIRMED]: ['ERR_QUIC_NOT_CONFIRMED', 'not before the handshake is confirmed (RFC 9000 §9): await connection.established, then the HANDSHAKE_DONE'],
  [MigrateError.DISABLED]: ['ERR_QUIC_MIGRATION_DISABLED', 'the server sent disable_active_migration (RFC 9000 §18.2)'],
  [MigrateError.ZERO_LENGTH_CID]: ['ERR_QUIC_ZERO_LENGTH_CID', 'the server uses zero-length connection IDs: a new path would be linkable (RFC 9000 §9.5)'],
  [MigrateError.NO_CONNECTION_ID]: ['ERR_QUIC_NO_CONNECTION_ID', 'no unused connection ID of the server\'s is left (RFC 9000 §9.5): try again after it sends NEW_CONNECTION_ID'],
  [MigrateError.IN_PROGRESS]: ['ERR_QUIC_MIGRATION_IN_PROGRESS', 'a migration is being validated'],
  [MigrateError.SAME_PATH]: ['ERR_QUIC_MIGRATION_IN_PROGRESS', 'the connection already uses that path'],
  [MigrateError.NO_PREFERRED_ADDRESS]: ['ERR_QUIC_MIGRATION_UNSUPPORTED', 'the server gave no usable preferred address'],
};

function refusal(code: number): QuicMigrationError {
  const [name, text] = REFUSALS[code] ?? ['ERR_QUIC_MIGRATION_UNSUPPORTED', `refused by the core (${code})`];
  return new QuicMigrationError(name, `migrate(): ${text}`);
}

interface Waiter { path: PathHandle; resolve: (c: PathChange) => void; reject: (e: Error) => void }

/** One connection's paths: migrate(), the preferred address, `pathchange`. */
export class ConnectionPaths {
  private waiter: Waiter | null = null;
  /** Client: ignore the server's preferred address (connect option). */
  ignorePreferredAddress = false;
  /** Client: the server's preferred address, once the handshake is confirmed (null: none, or not yet). */
  preferredAddress: PreferredAddress | null = null;

  private readonly owner: PathOwner;

  constructor(host: PathHost, handle: number, assertOpen: () => void, emit: (c: PathChange) => void) {
    const pathAbi = new PathAbi(host.abi.core);
    this.owner = {
      abi: host.abi, network: host.network, isServer: host.isServer, clock: host.clock, service: () => host.service(),
      handle, pathAbi, assertOpen, emit, currentPath: () => pathAbi.currentPath(handle),
    };
  }

  /** connection.migrate(): see QuicConnection.migrate. */
  async migrate(options: MigrateOptions = {}): Promise<PathChange> {
    const o = this.owner;
    o.assertOpen();
    if (options === null || typeof options !== 'object') throw new QuicArgumentError('migrate(options): options must be an object');
    if (options.localAddress !== undefined && typeof options.localAddress !== 'string') throw new QuicArgumentError('migrate(): localAddress must be a string');
    if (options.localPort !== undefined && !(Number.isInteger(options.localPort) && options.localPort >= 0 && options.localPort <= 65535)) throw new QuicArgumentError('migrate(): localPort must be an integer 0..65535');
    if (o.isServer || !o.network.openPath) throw new QuicMigrationError('ERR_QUIC_MIGRATION_UNSUPPORTED', o.isServer ? 'migrate(): only a client migrates (RFC 9000 §9)' : 'migrate(): this network cannot open another path');
    // Refuse before binding anything when the core would.
    const r = o.pathAbi.canMigrate(o.handle, o.clock.now());
    if (r < 0) throw r < -0xffff ? new QuicError('ERR_QUIC_CONNECTION_CLOSED', 'migrate(): the connection is gone') : refusal(-r);
    const path = await o.network.openPath(o.currentPath(), { localAddress: options.localAddress, localPort: options.localPort });
    return guard(this.moveTo(path, false), options, 'migrate()', undefined, clockTimers(o.clock));
  }

  private moveTo(path: PathHandle, preferred: boolean): Promise<PathChange> {
    const o = this.owner;
    const r = o.pathAbi.migrate(o.handle, path, preferred, o.clock.now());
    if (r < 0) {
      o.network.forgetPath?.(path); // its socket closes: nothing refers to it
      return Promise.reject(refusal(-r));
    }
    const done = new Promise<PathChange>((resolve, reject) => { this.waiter = { path, resolve, reject }; });
    o.service();
    return done;
  }

  /** The core's path events for this connection. */
  onCoreEvent(ev: CoreEvent): void {
    const o = this.owner;
    if (ev.kind === EventKind.PREFERRED_ADDRESS) { this.onPreferredAddress(); return; }
    const initiator = o.isServer ? 'peer' : 'local';
    const reverted = ev.kind === EventKind.PATH_MIGRATED && ev.c === 1;
    const phase = ev.kind === EventKind.PATH_VALIDATED ? 'validated' : reverted ? 'reverted' : 'moved';
    const preferredAddress = ev.kind === EventKind.PATH_VALIDATED ? ev.c === 1 : this.preferredMove === ev.a || this.preferredMove === ev.b;
    const change: PathChange = { path: ev.a, previous: ev.b, reverted, initiator, phase, preferredAddress, ...o.network.describePath?.(ev.a) };
    o.emit(change);
    const w = this.waiter;
    if (!w) return;
    if (phase === 'validated' && ev.a === w.path) { this.waiter = null; w.resolve(change); }
    if (phase === 'reverted' && ev.b === w.path) {
      this.waiter = null;
      w.reject(new QuicMigrationError('ERR_QUIC_PATH_VALIDATION_FAILED', 'migrate(): the new path did not answer PATH_CHALLENGE; the connection is back on the old path (RFC 9000 §9.3.2)'));
    }
  }

  /** The path to the preferred address, while that move is under way. */
  private preferredMove: PathHandle = -1;

  /**
   * §9.6: the handshake is confirmed and the server gave a preferred address. A client
   * moves there (same address family as its current path) unless told to ignore it; a
   * failed validation leaves it on the original address.
   */
  private onPreferredAddress(): void {
    const o = this.owner;
    const pa = o.pathAbi.preferredAddress(o.handle);
    this.preferredAddress = pa;
    if (!pa || this.ignorePreferredAddress || !o.network.openPath) return;
    const current = o.network.describePath?.(o.currentPath());
    const v6 = current ? current.remote.address.includes(':') && !current.remote.address.startsWith('::ffff:') : false;
    const target = v6 ? pa.ipv6 : pa.ipv4;
    if (!target) return;
    o.network.openPath(o.currentPath(), { remote: target }).then((path) => {
      this.preferredMove = path;
      this.moveTo(path, true).catch(() => undefined).finally(() => { this.preferredMove = -1; });
    }, () => undefined);
  }

  /** The connection is gone: a waiting migrate() rejects. */
  onClosed(err: Error): void {
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }
}
