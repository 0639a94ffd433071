// A client and a server endpoint over a DgramPair on a virtual clock: the deterministic
// simulator the transport tests run on.
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint, type TransportConfig, type EndpointConfig, type ConnectOptions } from '../../host/transport/create';
import { DgramPair, type LinkImpairments } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { QuicConnection } from '../../host/transport/connection';
import { setHandshakeCrypto } from '../../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../../host/tls/handshake-node';

// The simulator runs on Node: handshake crypto through node:crypto, as listen()/connect() use
// (the portable implementation is tested on its own in test/tls).
setHandshakeCrypto(nodeHandshakeCrypto);

let compiled: WebAssembly.Module | null = null;
export function coreModule(build: 'release' | 'debug' = 'release'): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(readFileSync(coreWasmPath(build)));
  return compiled;
}

export const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });

export interface SimOptions {
  seed?: number;
  aToB?: LinkImpairments;
  bToA?: LinkImpairments;
  transport?: TransportConfig;
  serverTransport?: TransportConfig;
  /** Extra endpoint settings (merged last). */
  client?: Partial<EndpointConfig>;
  server?: Partial<EndpointConfig>;
}

export function makeSim(opts: SimOptions = {}) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: opts.seed ?? 1, aToB: opts.aToB, bToA: opts.bToA });
  const seed = opts.seed ?? 1;
  const server = createServerEndpoint({
    coreModule: coreModule(), network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert,
    tls: { alpn: ['test'] }, transport: opts.serverTransport ?? opts.transport, seed: Uint32Array.of(seed, 2, 3, 4),
    ...opts.server,
  });
  const client = createClientEndpoint({
    coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider,
    tls: { alpn: ['test'] }, transport: opts.transport, seed: Uint32Array.of(seed, 5, 6, 7),
    ...opts.client,
  });
  return { clock, pair, server, client };
}

/**
 * Connects the sim's client to its server and runs the clock until both ends have the
 * connection (null if that did not happen within the runUntil limits).
 */
export async function connectSim(sim: ReturnType<typeof makeSim>, options: ConnectOptions = {}): Promise<{ client: QuicConnection; server: QuicConnection } | null> {
  let server: QuicConnection | null = null;
  sim.server.accept().then((c) => { server = c; }, () => undefined);
  const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], ...options });
  let ready = false;
  client.established.then(() => { ready = true; }, () => undefined);
  if (!(await runUntil(sim.clock, () => ready && server !== null))) return null;
  return { client, server: server! };
}

/**
 * Runs the virtual clock until `done` or a limit. Before each step every pending promise
 * callback runs (setImmediate comes after the microtask queue drains), so application
 * code reacts at the virtual instant it was woken, as it would in real time.
 */
export async function runUntil(clock: VirtualClock, done: () => boolean, maxVirtualUs = 120_000_000, maxSteps = 2_000_000): Promise<boolean> {
  const deadline = clock.now() + maxVirtualUs;
  for (let steps = 0; steps < maxSteps; steps++) {
    await new Promise((r) => setImmediate(r));
    if (done()) return true;
    const next = clock.nextDeadline();
    if (next === Infinity || next > deadline) return false;
    clock.advanceTo(next);
  }
  return done();
}

/** A connected client/server pair on a fresh simulator (fails the test when the handshake does not complete). */
export async function pairOf(opts: SimOptions = {}) {
  const sim = makeSim(opts);
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  return { ...sim, ...pair! };
}

/**
 * A connected pair on a fresh simulator that keeps the sim's endpoints under their names
 * (`client`, `server`) and names the connections `conn` (client) and `serverConn`.
 */
export async function connectedSim(opts: SimOptions = {}) {
  const sim = makeSim(opts);
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  return { ...sim, conn: pair!.client, serverConn: pair!.server };
}

/** Settles `p` into a box the virtual-time loop can watch. */
export function watch<T>(p: Promise<T>) {
  const box: { done: boolean; value?: T; error?: any } = { done: false };
  p.then((v) => { box.done = true; box.value = v; }, (e) => { box.done = true; box.error = e; });
  return box;
}
