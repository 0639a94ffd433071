// Shared helpers for the TLS tests: run a handshake in memory, make client/server pairs.
import { createTlsClient, createTlsServer, Level, type TlsOutput, type TlsSession, type TlsClientOptions, type TlsServerOptions } from '../../host/tls/engine';
import { generateSelfSigned, type KeyType } from '../../host/tls/pki/index';
import { Suite } from '../../host/crypto/suites';
import type { GroupName } from '../../host/tls/constants';

type Secrets = Map<string, string>;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Runs a handshake to the end; returns each side's outputs. */
export function run(client: TlsSession, server: TlsSession, tamper?: (from: 'client' | 'server', level: Level, data: Uint8Array) => Uint8Array) {
  const outs: { client: TlsOutput[]; server: TlsOutput[] } = { client: [], server: [] };
  client.start();
  server.start();
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const [from, to, name] of [[client, server, 'client'], [server, client, 'server']] as const) {
      for (const o of from.drain()) {
        outs[name].push(o);
        if (o.type === 'handshake-data') {
          to.receive(o.level, tamper ? tamper(name, o.level, o.data) : o.data);
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return outs;
}

export function secrets(outs: TlsOutput[]): Secrets {
  const m: Secrets = new Map();
  for (const o of outs) if (o.type === 'secret') m.set(`${o.level}/${o.direction}`, hex(o.secret));
  return m;
}

const certs: Record<string, ReturnType<typeof generateSelfSigned>> = {};
export function certFor(type: KeyType) {
  certs[type] ??= generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'], keyType: type });
  return certs[type];
}

export function pair(opts: { suites?: Suite[]; clientGroups?: GroupName[]; serverGroups?: GroupName[]; keyType?: KeyType; clientAlpn?: string[]; serverAlpn?: string[]; serverName?: string; trust?: Uint8Array[]; now?: () => Date; client?: Partial<TlsClientOptions>; server?: Partial<TlsServerOptions> } = {}) {
  const cert = certFor(opts.keyType ?? 'ecdsa-p256');
  const client = createTlsClient({
    alpn: opts.clientAlpn ?? ['h3', 'hq-interop'], transportParameters: Uint8Array.of(1, 2, 3), serverName: opts.serverName ?? 'localhost',
    trustAnchors: opts.trust ?? [cert.chain[0]], groups: opts.clientGroups, cipherSuites: opts.suites, now: opts.now, ...opts.client,
  });
  const server = createTlsServer({ alpn: opts.serverAlpn ?? ['hq-interop', 'h3'], transportParameters: Uint8Array.of(4, 5), certificate: cert, groups: opts.serverGroups, cipherSuites: opts.suites, ...opts.server });
  return { client, server, cert };
}


/** The 'complete' info of one side (undefined if it did not complete). */
export function info(outs: TlsOutput[]) {
  const o = outs.find((x) => x.type === 'complete');
  return o?.type === 'complete' ? o.info : undefined;
}

export function alertOf(outs: TlsOutput[]) {
  const o = outs.find((x) => x.type === 'alert');
  return o?.type === 'alert' ? o.alert : undefined;
}

/** Handshake message types one side sent, in order. */
export function messageTypes(outs: TlsOutput[]): number[] {
  return outs.flatMap((o) => (o.type === 'handshake-data' ? [o.data[0]] : []));
}

/** Same secret at each level on both sides (mirrored directions), and how many there were. */
export function expectMatchingSecrets(outs: { client: TlsOutput[]; server: TlsOutput[] }, opts: { skipEarly?: boolean } = {}): string[] {
  const cs = secrets(outs.client), ss = secrets(outs.server);
  if (opts.skipEarly) { cs.delete('1/write'); ss.delete('1/read'); }
  if (cs.size !== ss.size) throw new Error(`client has ${[...cs.keys()]}, server ${[...ss.keys()]}`);
  for (const [k, v] of cs) {
    const [level, dir] = k.split('/');
    const mirror = `${level}/${dir === 'write' ? 'read' : 'write'}`;
    if (ss.get(mirror) !== v) throw new Error(`secret ${k} of the client does not match the server's ${mirror}`);
  }
  return [...cs.keys()].sort();
}
