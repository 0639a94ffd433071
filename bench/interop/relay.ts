// A small lossy UDP relay on loopback for the interop matrix: datagrams from the
// client to `listen` go to the server, the server's answers go back to the client,
// and each direction drops or corrupts a seeded-random fraction of them.

import * as dgram from 'node:dgram';

export interface Impairment {
  /** Fraction of datagrams dropped (0..1). */
  loss?: number;
  /** Fraction of datagrams with one byte flipped (0..1). */
  corrupt?: number;
}

/** xorshift32: deterministic per seed, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

export interface Relay {
  port: number;
  stats: { forwarded: number; dropped: number; corrupted: number };
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 forwarding to 127.0.0.1:`serverPort`, impairing both directions. */
export async function startRelay(serverPort: number, imp: Impairment, seed = 1): Promise<Relay> {
  const rnd = prng(seed);
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  const stats = { forwarded: 0, dropped: 0, corrupted: 0 };
  let client: { address: string; port: number } | null = null;
  const impair = (msg: Buffer): Buffer | null => {
    if (imp.loss && rnd() < imp.loss) { stats.dropped++; return null; }
    if (imp.corrupt && rnd() < imp.corrupt) {
      stats.corrupted++;
      const copy = Buffer.from(msg);
      const i = Math.floor(rnd() * copy.length);
      copy[i] ^= 1 + Math.floor(rnd() * 255);
      return copy;
    }
    stats.forwarded++;
    return msg;
  };
  front.on('message', (msg, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    const out = impair(msg);
    if (out) back.send(out, serverPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    const out = client && impair(msg);
    if (out && client) front.send(out, client.port, client.address);
  });
  front.on('error', () => undefined);
  back.on('error', () => undefined);
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  return {
    port: front.address().port,
    stats,
    close: async () => {
      await new Promise<void>((r) => front.close(() => r()));
      await new Promise<void>((r) => back.close(() => r()));
    },
  };
}
