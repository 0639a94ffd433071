// The interop matrix: QUIC Interop Runner style cases, each run both ways against
// ngtcp2's example peers — our HTTP/3 client against gtlsserver, gtlsclient against
// our HTTP/3 server — with every file checked byte for byte (SHA-256). A case one side
// cannot do is reported as "unsupported" with the reason, never left out.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned, type SessionTicket } from '../../host/portable';
import type { QuicConnection } from '../../host/transport/connection';
import { H3Client } from '../../host/h3/client';
import { H3ServerConnection } from '../../host/h3/server';
import { fileHandler } from '../../host/h3/files';
import { listenWith, type TlsChoices } from '../../host/h3/endpoints';
import { freeUdpPort, run, startServer, GTLSCLIENT } from '../../test/interop/ngtcp2';
import { startRelay, type Impairment } from './relay';

export type Direction = 'quicwasm→gtlsserver' | 'gtlsclient→quicwasm';
export const DIRECTIONS: Direction[] = ['quicwasm→gtlsserver', 'gtlsclient→quicwasm'];

export interface CaseResult {
  case: string;
  direction: Direction;
  status: 'pass' | 'fail' | 'unsupported';
  detail: string;
  ms: number;
}

const CHACHA_ONLY = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Files served in every case, with their hashes. */
interface Env {
  dir: string;
  www: string;
  certFile: string;
  keyFile: string;
  anchor: Uint8Array;
  certificate: ReturnType<typeof generateSelfSigned>;
  hashes: Map<string, string>;
}

export function makeEnv(bigSize = 10_000_000): Env {
  const dir = mkdtempSync(join(tmpdir(), 'quicwasm-matrix-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  const certificate = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'cert.pem'), certificate.certPem);
  writeFileSync(join(dir, 'key.pem'), certificate.keyPem);
  const hashes = new Map<string, string>();
  const put = (name: string, bytes: Uint8Array) => { writeFileSync(join(www, name), bytes); hashes.set(name, sha(bytes)); };
  put('1k.bin', randomBytes(1000));
  put('1m.bin', randomBytes(1 << 20));
  put('2m.bin', randomBytes(2 << 20));
  put('big.bin', randomBytes(bigSize));
  for (let i = 0; i < 50; i++) put(`m${i}.txt`, randomBytes(1000));
  return { dir, www, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), anchor: certificate.chain[0], certificate, hashes };
}

export function cleanEnv(env: Env): void {
  rmSync(env.dir, { recursive: true, force: true });
}

const SMALL = Array.from({ length: 50 }, (_, i) => `m${i}.txt`);

/** What a case asks of each side. */
interface CaseSpec {
  files: string[];
  serverFlags?: string[];
  clientFlags?: string[];
  impair?: Impairment;
  /** Checks after our client's fetches. */
  ourClient?: (c: H3Client) => string | void;
  /** Checks after gtlsclient ran: its log and our server's connections. */
  ourServer?: (log: string, conns: QuicConnection[]) => string | void;
  before?: (c: H3Client) => void;
  clientOptions?: TlsChoices;
  serverOptions?: Omit<TlsChoices, 'quicVersion'> & { retry?: 'never' | 'always' | 'under-load'; earlyData?: boolean };
}

const expectCipher = (want: string) => (c: { quic: QuicConnection } | QuicConnection) => {
  const q = 'quic' in c ? c.quic : c;
  const got = q.handshakeInfo?.cipherSuite;
  if (got !== want) throw new Error(`cipher ${got}, expected ${want}`);
  return got;
};

/** Cases one side cannot do yet: who (quicwasm or the peer) and why. */
const UNSUPPORTED: Record<string, { by: 'quicwasm' | 'peer'; reason: string }> = {
  v2: { by: 'peer', reason: 'gtls 0.12 speaks only draft v2 (0x709a50c4); quicwasm speaks RFC 9369 v2 (0x6b3343cf; quicwasm to quicwasm in test/cli)' },
  'hq-interop': { by: 'peer', reason: "ngtcp2's example client and server speak h3 only (quicwasm's hq-interop is tested against itself)" },
};

const CASES: Record<string, CaseSpec | 'resumption' | 'zerortt'> = {
  handshake: { files: ['1k.bin'] },
  transfer: { files: ['1k.bin', 'big.bin'] },
  multiplexing: { files: SMALL },
  http3: { files: ['1k.bin', '1m.bin', 'm1.txt'] },
  chacha20: {
    // Each side forces the suite with its own option: gtls with a priority string, ours with cipherSuites.
    files: ['1m.bin'], serverFlags: [`--ciphers=${CHACHA_ONLY}`], clientFlags: [`--ciphers=${CHACHA_ONLY}`],
    clientOptions: { cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] }, serverOptions: { cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] },
    ourClient: (c) => expectCipher('TLS_CHACHA20_POLY1305_SHA256')(c),
    ourServer: (_log, conns) => expectCipher('TLS_CHACHA20_POLY1305_SHA256')(conns[0]),
  },
  keyupdate: {
    files: ['1m.bin'], clientFlags: ['--key-update=1ms'],
    before: (c) => c.quic.updateKeys(),
    ourClient: (c) => { const k = c.quic.stats().keyUpdates; if (k < 1) throw new Error('no key update happened'); return `${k} key update(s)`; },
    ourServer: (_log, conns) => { const k = conns[0].stats().keyUpdates; if (k < 1) throw new Error('gtlsclient key update not seen'); return `${k} key update(s)`; },
  },
  resumption: 'resumption',
  zerortt: 'zerortt',
  retry: {
    // gtlsserver -V and our retry: 'always' answer every first Initial with Retry; with
    // 'always', our server creates no connection for an Initial without a valid Retry token.
    files: ['1k.bin', '1m.bin'], serverFlags: ['-V'], serverOptions: { retry: 'always' },
    ourClient: (c) => { const n = c.quic.stats().retriesReceived; if (n !== 1) throw new Error(`${n} Retry packets followed, expected 1`); return 'followed 1 Retry'; },
    ourServer: () => 'gtlsclient followed our Retry',
  },
  'transfer-loss': { files: ['2m.bin'], impair: { loss: 0.05 } },
  'transfer-corruption': { files: ['1m.bin'], impair: { corrupt: 0.3 } },
};

export const ALL_CASES = [...Object.keys(CASES).slice(0, 7), 'retry', 'zerortt', 'v2', 'hq-interop', 'transfer-loss', 'transfer-corruption'];

/** Runs `fn` with a gtlsserver (flags) on a free port, stopped afterwards. */
async function withGtlsserver<T>(env: Env, flags: string[], fn: (port: number) => Promise<T>): Promise<T> {
  const port = await freeUdpPort();
  const server = await startServer(['-q', ...flags, '-d', env.www, '127.0.0.1', String(port), env.keyFile, env.certFile], port);
  try {
    return await fn(port);
  } finally {
    server.kill();
  }
}

/** Runs `fn` with our HTTP/3 server serving env.www; `conns` collects its connections. */
async function withOurServer<T>(env: Env, fn: (port: number, conns: QuicConnection[]) => Promise<T>, tls: CaseSpec['serverOptions'] = {}): Promise<T> {
  const quic = await listenWith({ address: '127.0.0.1', port: 0, alpn: ['h3'], certificate: env.certificate, ...tls });
  const conns: QuicConnection[] = [];
  const handler = fileHandler(env.www);
  void (async () => { for await (const c of quic) { conns.push(c); new H3ServerConnection(c, handler); } })();
  try {
    return await fn(quic.address.port, conns);
  } finally {
    await quic.close();
  }
}

async function fetchAll(env: Env, c: H3Client, origin: string, files: string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => {
    const res = await c.fetch(`${origin}/${f}`);
    if (res.status !== 200) throw new Error(`${f}: HTTP ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (sha(body) !== env.hashes.get(f)) throw new Error(`${f}: SHA-256 mismatch (${body.length} bytes)`);
    return body.length;
  }));
  return sizes.reduce((a, b) => a + b, 0);
}

async function gtlsclient(env: Env, port: number, files: string[], flags: string[], timeoutMs: number): Promise<{ log: string; bytes: number }> {
  const dl = mkdtempSync(join(env.dir, 'dl-'));
  const peer = run(GTLSCLIENT, ['--no-quic-dump', '--no-http-dump', '--exit-on-all-streams-close', '--timeout=15s', ...flags, '--download', dl,
    '127.0.0.1', String(port), ...files.map((f) => `https://localhost:${port}/${f}`)]);
  const t = setTimeout(() => peer.kill(), timeoutMs);
  await peer.exited;
  clearTimeout(t);
  let bytes = 0;
  for (const f of files) {
    const p = join(dl, f);
    if (!existsSync(p)) throw new Error(`${f} not downloaded; gtlsclient log: ${peer.log().split('\n').filter(Boolean).slice(-3).join(' | ')}`);
    const b = readFileSync(p);
    if (sha(b) !== env.hashes.get(f)) throw new Error(`${f}: SHA-256 mismatch (${b.length} bytes)`);
    bytes += b.length;
  }
  return { log: peer.log(), bytes };
}

async function runClientSide(env: Env, spec: CaseSpec, timeoutMs: number): Promise<string> {
  return withGtlsserver(env, spec.serverFlags ?? [], async (serverPort) => {
    const relay = spec.impair ? await startRelay(serverPort, spec.impair, 7) : null;
    try {
      const port = relay ? relay.port : serverPort;
      const origin = `https://localhost:${port}`;
      const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [env.anchor], transport: { maxIdleTimeoutMs: timeoutMs }, ...spec.clientOptions });
      try {
        spec.before?.(c);
        const bytes = await fetchAll(env, c, origin, spec.files);
        const extra = spec.ourClient?.(c);
        return `${spec.files.length} file(s), ${bytes} B${extra ? `, ${extra}` : ''}${relay ? `, relay ${JSON.stringify(relay.stats)}` : ''}`;
      } finally {
        await c.close().catch(() => undefined);
      }
    } finally {
      await relay?.close();
    }
  });
}

async function runServerSide(env: Env, spec: CaseSpec, timeoutMs: number): Promise<string> {
  return withOurServer(env, async (serverPort, conns) => {
    const relay = spec.impair ? await startRelay(serverPort, spec.impair, 11) : null;
    try {
      const { log, bytes } = await gtlsclient(env, relay ? relay.port : serverPort, spec.files, spec.clientFlags ?? [], timeoutMs);
      if (!log.includes('QUIC handshake has completed')) throw new Error('gtlsclient did not report a completed handshake');
      const extra = spec.ourServer?.(log, conns);
      return `${spec.files.length} file(s), ${bytes} B${extra ? `, ${extra}` : ''}${relay ? `, relay ${JSON.stringify(relay.stats)}` : ''}`;
    } finally {
      await relay?.close();
    }
  }, spec.serverOptions);
}

/** A first connection to gtlsserver that fetches 1k.bin and keeps its session ticket. */
async function ticketFrom(env: Env, origin: string): Promise<SessionTicket> {
  const first = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [env.anchor] });
  await fetchAll(env, first, origin, ['1k.bin']);
  const ticket = await Promise.race([first.quic.sessionTicket, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  await first.close();
  if (!ticket) throw new Error('gtlsserver sent no session ticket');
  return ticket;
}

async function resumptionClientSide(env: Env): Promise<string> {
  return withGtlsserver(env, [], async (port) => {
    const origin = `https://localhost:${port}`;
    const ticket = await ticketFrom(env, origin);
    const second = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [env.anchor], session: ticket });
    try {
      await fetchAll(env, second, origin, ['1k.bin']);
      if (!second.quic.handshakeInfo?.resumed) throw new Error('second connection was not resumed');
      return 'second connection resumed (PSK), 1k.bin byte-exact';
    } finally {
      await second.close();
    }
  });
}

async function resumptionServerSide(env: Env, timeoutMs: number): Promise<string> {
  return withOurServer(env, async (port, conns) => {
    const session = join(env.dir, `session-${Date.now()}.pem`);
    const flags = [`--session-file=${session}`, '--disable-early-data'];
    await gtlsclient(env, port, ['1k.bin'], flags, timeoutMs);
    await gtlsclient(env, port, ['1k.bin'], flags, timeoutMs);
    if (conns.length < 2) throw new Error(`${conns.length} connection(s) seen`);
    if (!conns[1].handshakeInfo?.resumed) throw new Error('gtlsclient did not resume');
    return 'second connection resumed with our ticket';
  });
}

/** Our client resumes gtlsserver's ticket with earlyData: the GET leaves in 0-RTT and is accepted. */
async function zeroRttClientSide(env: Env): Promise<string> {
  return withGtlsserver(env, [], async (port) => {
    const origin = `https://localhost:${port}`;
    const ticket = await ticketFrom(env, origin);
    const second = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [env.anchor], session: ticket, earlyData: true });
    try {
      const state = (): string => second.quic.earlyData; // it moves while the fetch runs
      if (state() !== 'offered') throw new Error(`0-RTT not offered (${state()})`);
      await fetchAll(env, second, origin, ['1k.bin']);
      if (state() !== 'accepted') throw new Error(`0-RTT ${state()}`);
      return '0-RTT accepted, 1k.bin byte-exact';
    } finally {
      await second.close();
    }
  });
}

/** gtlsclient resumes our ticket with early data (its --tp-file keeps our parameters): our server accepts it. */
async function zeroRttServerSide(env: Env, timeoutMs: number): Promise<string> {
  return withOurServer(env, async (port, conns) => {
    const session = join(env.dir, `session0-${Date.now()}.pem`);
    const tp = join(env.dir, `tp0-${Date.now()}.pem`);
    const flags = [`--session-file=${session}`, `--tp-file=${tp}`];
    await gtlsclient(env, port, ['1k.bin'], flags, timeoutMs);
    await gtlsclient(env, port, ['1k.bin'], flags, timeoutMs);
    if (conns.length < 2) throw new Error(`${conns.length} connection(s) seen`);
    if (conns[1].earlyData !== 'accepted') throw new Error(`gtlsclient's 0-RTT: ${conns[1].earlyData}`);
    return "gtlsclient's 0-RTT accepted";
  }, { earlyData: true });
}

/** Runs one case in one direction, never throwing. */
export async function runCase(env: Env, name: string, direction: Direction, timeoutMs = 60_000): Promise<CaseResult> {
  const start = performance.now();
  const done = (status: CaseResult['status'], detail: string): CaseResult => ({ case: name, direction, status, detail, ms: Math.round(performance.now() - start) });
  const no = UNSUPPORTED[name];
  if (no) return done('unsupported', `${no.by === 'quicwasm' ? 'quicwasm: not yet' : 'peer: cannot'} — ${no.reason}`);
  const spec = CASES[name];
  if (!spec) return done('fail', 'unknown case');
  const work = spec === 'resumption'
    ? (direction === 'quicwasm→gtlsserver' ? resumptionClientSide(env) : resumptionServerSide(env, timeoutMs))
    : spec === 'zerortt'
    ? (direction === 'quicwasm→gtlsserver' ? zeroRttClientSide(env) : zeroRttServerSide(env, timeoutMs))
    : (direction === 'quicwasm→gtlsserver' ? runClientSide(env, spec, timeoutMs) : runServerSide(env, spec, timeoutMs));
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([work, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); })]);
    return done('pass', detail);
  } catch (e) {
    work.catch(() => undefined);
    return done('fail', (e as Error).message ?? String(e));
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the cases both ways, one at a time (the machine is shared). */
export async function runMatrix(cases: string[], env: Env, onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    for (const d of DIRECTIONS) {
      const r = await runCase(env, c, d);
      out.push(r);
      onResult?.(r);
    }
  }
  return out;
}

/** The matrix as a table: one row per case, one column per direction. */
export function formatMatrix(results: CaseResult[]): string {
  const cases = [...new Set(results.map((r) => r.case))];
  const cell = (r?: CaseResult) => (r ? (r.status === 'pass' ? `pass (${(r.ms / 1000).toFixed(1)} s)` : r.status === 'unsupported' ? `unsupported (${r.detail.split(' — ')[0]})` : 'FAIL') : '-');
  const rows = [['case', ...DIRECTIONS], ...cases.map((c) => [c, ...DIRECTIONS.map((d) => cell(results.find((r) => r.case === c && r.direction === d)))])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(' | ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}
