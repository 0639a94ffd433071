// A packet number space (RFC 9000 §12.3): Initial, Handshake or Application. Each has
// its own packet numbers, keys, acknowledgements, sent-packet record and CRYPTO stream.

import { AckTracker } from "../recovery/acktracker";
import { SentQueue } from "../recovery/sent-queue";
import { SentPacket } from "../recovery/sent";
import { SendBuffer } from "./sendbuf";
import { RecvBuffer } from "./recvbuf";

/** Packet number spaces (RFC 9000 §12.3); qlog records (conn/qlog.ts) carry these numbers. */
export const SPACE_INITIAL: i32 = 0;
export const SPACE_HANDSHAKE: i32 = 1;
export const SPACE_APP: i32 = 2;

/** Encryption levels as the ABI numbers them (connInstallKeys, connReadCrypto, CRYPTO_DATA and KEYS_DISCARDED events). */
export namespace Level {
  export const INITIAL: i32 = 0;
  /** 0-RTT: its keys live in conn/early.ts; its packets use the application space. */
  export const ZERO_RTT: i32 = 1;
  export const HANDSHAKE: i32 = 2;
  export const ONE_RTT: i32 = 3;
}

/** Encryption level (ABI numbering) of a space. */
export function levelOfSpace(s: i32): i32 { return s == SPACE_INITIAL ? Level.INITIAL : s == SPACE_HANDSHAKE ? Level.HANDSHAKE : Level.ONE_RTT; }
/** Space of an encryption level (0-RTT shares the application space); -1 if invalid. */
export function spaceOfLevel(l: i32): i32 {
  return l == Level.INITIAL ? SPACE_INITIAL : l == Level.HANDSHAKE ? SPACE_HANDSHAKE : l == Level.ZERO_RTT || l == Level.ONE_RTT ? SPACE_APP : -1;
}

/** Most CRYPTO bytes buffered ahead of what TLS consumed (RFC 9000 §7.5 suggests >= 4096). */
export const CRYPTO_BUFFER_LIMIT: i32 = 64 * 1024;
/** Undecryptable packets kept per space until keys arrive (RFC 9001 §5.7). */
export const MAX_BUFFERED_PACKETS: i32 = 8;

/** The shared empty list of buffered packets (never written: receive.ts gives a space its own). */
export const NO_PACKETS = new Array<Uint8Array>();

export class PacketSpace {
  readAead: i32 = 0;
  readHp: i32 = 0;
  writeAead: i32 = 0;
  writeHp: i32 = 0;
  discarded: bool = false;
  nextPn: u64 = 0;
  largestAcked: i64 = -1;
  ack: AckTracker = new AckTracker();
  sent: SentQueue = new SentQueue();
  lossTime: f64 = Infinity;
  timeOfLastAckEliciting: f64 = -1;
  ackElicitingInFlight: i32 = 0;
  cryptoSend: SendBuffer = new SendBuffer(1 << 20);
  cryptoRecv: RecvBuffer = new RecvBuffer(CRYPTO_BUFFER_LIMIT);
  /** Packets that arrived before their keys: copies of the datagram bytes (NO_PACKETS until one does). */
  buffered: Array<Uint8Array> = NO_PACKETS;
  /** Probe packets owed after a PTO. */
  probes: i32 = 0;

  constructor(public id: i32) {}

  hasWriteKeys(): bool { return this.writeAead != 0 && !this.discarded; }
  hasReadKeys(): bool { return this.readAead != 0 && !this.discarded; }
}

const DISCARDED: StaticArray<PacketSpace> = [new PacketSpace(SPACE_INITIAL), new PacketSpace(SPACE_HANDSHAKE), new PacketSpace(SPACE_APP)];
for (let i = 0; i < 3; i++) unchecked(DISCARDED[i]).discarded = true;

/** The shared stand-in for a discarded space `id`: no keys, no buffers, never written. */
export function discardedSpace(id: i32): PacketSpace {
  return unchecked(DISCARDED[id]);
}
