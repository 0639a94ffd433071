// A packet number space (RFC 9000 §12.3): Initial, Handshake or Application. Each has
// its own packet numbers, keys, acknowledgements, sent-packet record and CRYPTO stream.

import { AckTracker } from "../recovery/acktracker";
import { SentQueue } from "../recovery/sent-queue";
import { SentPacket } from "../recovery/sent";
import { CryptoSendBuffer } from "./crypto-send";
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

/** Most CRYPTO bytes we buffer for sending at one level (TLS writes a flight at once). */
const CRYPTO_SEND_LIMIT: i32 = 1 << 20;

// The shared empty parts of a space that has not used them yet (never written: they
// hold nothing, so every reader sees "nothing received, sent or buffered"). A half-open
// server has received nothing at Handshake or 1-RTT and sent nothing at 1-RTT, and a
// client or server that never sends a NewSessionTicket keeps no 1-RTT CRYPTO buffers
// (issue 17: ~0.5 KB per half-open connection). Writers take the space's own first
// (ownAck, ownSent, ownCryptoSend, ownCryptoRecv); the capacity and window of 0 make a
// write that skipped that step take nothing rather than write here.
export const NO_ACK = new AckTracker();
export const NO_SENT = new SentQueue();
const NO_CRYPTO_SEND = new CryptoSendBuffer(0);
const NO_CRYPTO_RECV = new RecvBuffer(0);

// Fields are laid out without padding holes, the small ones last (issue 17: 96 bytes a
// space rather than 112).
export class PacketSpace {
  readAead: i32 = 0;
  readHp: i32 = 0;
  writeAead: i32 = 0;
  writeHp: i32 = 0;
  nextPn: u64 = 0;
  largestAcked: i64 = -1;
  /** Received packet numbers (NO_ACK until the first packet: ownAck()). */
  ack: AckTracker = NO_ACK;
  /** Our packets awaiting acknowledgment (NO_SENT until the first frame is recorded: ownSent()). */
  sent: SentQueue = NO_SENT;
  lossTime: f64 = Infinity;
  timeOfLastAckEliciting: f64 = -1;
  ackElicitingInFlight: i32 = 0;
  /** Our CRYPTO bytes (NO_CRYPTO_SEND until TLS writes some: ownCryptoSend()). */
  cryptoSend: CryptoSendBuffer = NO_CRYPTO_SEND;
  /** The peer's CRYPTO bytes (NO_CRYPTO_RECV until a CRYPTO frame arrives: ownCryptoRecv()). */
  cryptoRecv: RecvBuffer = NO_CRYPTO_RECV;
  /** Packets that arrived before their keys: copies of the datagram bytes (NO_PACKETS until one does). */
  buffered: Array<Uint8Array> = NO_PACKETS;
  /** Probe packets owed after a PTO (2 at most). */
  probes: u8 = 0;
  discarded: bool = false;
  private sid: u8;

  constructor(id: i32) { this.sid = <u8>id; }

  /** SPACE_INITIAL, SPACE_HANDSHAKE or SPACE_APP. */
  get id(): i32 { return <i32>this.sid; }

  /** This space's own ACK tracker, for a writer (made once, with the first packet received). */
  ownAck(): AckTracker {
    if (this.ack == NO_ACK) this.ack = new AckTracker();
    return this.ack;
  }
  /** This space's own sent-packet record, for a writer (made once, with the first frame recorded). */
  ownSent(): SentQueue {
    if (this.sent == NO_SENT) this.sent = new SentQueue();
    return this.sent;
  }
  /** This space's own CRYPTO send buffer, for TLS's bytes. */
  ownCryptoSend(): CryptoSendBuffer {
    if (this.cryptoSend == NO_CRYPTO_SEND) this.cryptoSend = new CryptoSendBuffer(CRYPTO_SEND_LIMIT);
    return this.cryptoSend;
  }
  /** This space's own CRYPTO reassembly buffer, for the peer's bytes. */
  ownCryptoRecv(): RecvBuffer {
    if (this.cryptoRecv == NO_CRYPTO_RECV) this.cryptoRecv = new RecvBuffer(CRYPTO_BUFFER_LIMIT);
    return this.cryptoRecv;
  }

  hasWriteKeys(): bool { return this.writeAead != 0 && !this.discarded; }
  hasReadKeys(): bool { return this.readAead != 0 && !this.discarded; }
}

const DISCARDED: StaticArray<PacketSpace> = [new PacketSpace(SPACE_INITIAL), new PacketSpace(SPACE_HANDSHAKE), new PacketSpace(SPACE_APP)];
for (let i = 0; i < 3; i++) unchecked(DISCARDED[i]).discarded = true;

/** The shared stand-in for a discarded space `id`: no keys, no buffers, never written. */
export function discardedSpace(id: i32): PacketSpace {
  return unchecked(DISCARDED[id]);
}
