// Running ngtcp2's example peers (Debian's ngtcp2-client / ngtcp2-server, GnuTLS build,
// HTTP/3 only) from tests: where the binaries are, a free UDP port, and waiting until a
// server has bound its socket (it prints nothing when it is ready).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as dgram from 'node:dgram';
import type { QuicConnection } from '../../host/transport/connection';
import { controlStreamPreface, getRequest, parseFrames, isData, isHeaders, responseStatus } from './h3-minimal';

export const GTLSSERVER = ['/usr/sbin/gtlsserver', '/usr/bin/gtlsserver'].find(existsSync) ?? 'gtlsserver';
export const GTLSCLIENT = ['/usr/bin/gtlsclient', '/usr/sbin/gtlsclient'].find(existsSync) ?? 'gtlsclient';

export function binariesPresent(): boolean {
  return existsSync(GTLSSERVER) && existsSync(GTLSCLIENT);
}

/** A UDP port that was free a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function udpPortBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    try { if (readFileSync(f, 'utf8').includes(hex)) return true; } catch { /* not Linux */ }
  }
  return false;
}

export interface Peer {
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  log(): string;
  exited: Promise<number | null>;
  kill(): void;
}

export function run(bin: string, args: string[]): Peer {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => { proc.on('exit', (code) => resolve(code)); proc.on('error', () => resolve(-1)); });
  return { proc, log: () => out, exited, kill: () => { if (proc.exitCode === null) proc.kill('SIGTERM'); } };
}

/** Starts gtlsserver and resolves once its UDP port is bound (or rejects after 5 s). */
export async function startServer(args: string[], port: number): Promise<Peer> {
  const peer = run(GTLSSERVER, args);
  for (let i = 0; i < 100; i++) {
    if (udpPortBound(port)) return peer;
    if (peer.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  peer.kill();
  throw new Error(`gtlsserver did not bind UDP port ${port}: ${peer.log().slice(-2000)}`);
}

/** GET `path` over HTTP/3 on an open connection; returns status and body. */
export async function h3Get(conn: QuicConnection, path: string): Promise<{ status: number | null; body: Uint8Array }> {
  const ctl = conn.openStream({ unidirectional: true });
  await ctl.write(controlStreamPreface());
  const s = conn.openStream();
  await s.end(getRequest('localhost', path));
  const frames = parseFrames(await s.readAll());
  if (!frames) throw new Error('malformed HTTP/3 response');
  const headers = frames.find((f) => isHeaders(f.type));
  const data = frames.filter((f) => isData(f.type));
  const body = new Uint8Array(data.reduce((n, f) => n + f.payload.length, 0));
  let o = 0;
  for (const f of data) { body.set(f.payload, o); o += f.payload.length; }
  return { status: headers ? responseStatus(headers.payload) : null, body };
}
