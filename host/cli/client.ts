// `quicwasm client URL...`: downloads over one connection, one stream per URL, all at
// once, with HTTP/3 (default) or hq-interop.

import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import type { CipherSuiteName } from '../api/options';
import type { GroupName } from '../tls/constants';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { H3Client, HqClient, QUIC_V2, decodeSessionTicket, encodeSessionTicket, parsePemCertificates } from '../index';
import type { H3ClientOptions, QuicConnection, SessionTicket } from '../index';
import { CliError, EXIT, parseCongestionControl, parseQuicVersion } from './errors';
import { createProgress, formatBytes } from './progress';

export const CLIENT_HELP = `Usage: quicwasm client URL... [options]

Downloads the URLs over one QUIC connection (one stream per URL, concurrently).
All URLs must share one origin (https://host:port).

Options:
  -o, --output DIR       write each file into DIR (default: one URL goes to stdout)
      --alpn PROTO       h3 (default) or hq-interop
      --ca FILE          trust the PEM certificate(s) in FILE instead of the system roots
  -k, --insecure         do not verify the server's certificate (anyone can impersonate it)
      --address ADDR     connect to ADDR instead of resolving the URL's host
      --resume FILE      load a session ticket from FILE if present; save the new one there
                         (the ticket holds the server's address token too); --session FILE
                         is the same
      --0rtt             with --resume: send the requests as 0-RTT with the first flight
                         (the server must allow it: quicwasm server --0rtt); a first run
                         without a saved ticket connects as usual and saves one
      --key-update       start a 1-RTT key update right after the handshake
      --cipher LIST      TLS cipher suites to offer, comma-separated (TLS_AES_128_GCM_SHA256,
                         TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)
      --group LIST       key-exchange groups to offer: x25519, secp256r1
      --quic-version V   v1 or v2 (RFC 9369) for the first flight (default: the saved
                         session's, else v1; v1 and v2 are both offered, so a server that
                         prefers or only speaks the other one moves the connection there)
      --cc ALGO          congestion control: cubic (default), newreno or vegas
      --qlog-dir DIR     write a qlog trace of the connection into DIR
      --keylog FILE      append TLS secrets to FILE (SSLKEYLOGFILE format)
      --timeout SECONDS  give up after this long (default 30)
      --json             print one JSON line with the results instead of text
  -q, --quiet            no progress output
  -h, --help             this help

Exit codes: 0 all files downloaded, 1 a failure (network, certificate, HTTP status), 2 bad arguments.`;

interface Outcome { url: string; status: number | 'reset'; bytes: number; file: string | null; ok: boolean; detail: string }

export async function clientCommand(argv: string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const { values: o, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      output: { type: 'string', short: 'o' }, alpn: { type: 'string', default: 'h3' }, ca: { type: 'string' },
      insecure: { type: 'boolean', short: 'k' }, address: { type: 'string' }, resume: { type: 'string' }, session: { type: 'string' },
      'key-update': { type: 'boolean' }, cc: { type: 'string' }, 'qlog-dir': { type: 'string' }, keylog: { type: 'string' },
      timeout: { type: 'string', default: '30' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      '0rtt': { type: 'boolean' }, 'quic-version': { type: 'string' }, cipher: { type: 'string' }, group: { type: 'string' },
    },
  });
  if (o.help) { io.stdout.write(CLIENT_HELP + '\n'); return EXIT.OK; }
  if (o.resume && o.session && o.resume !== o.session) throw new CliError('--resume and --session name the same file: give one', EXIT.USAGE);
  const sessionFile = o.resume ?? o.session;
  if (o['0rtt'] && !sessionFile) throw new CliError('--0rtt needs --resume FILE: the session ticket to resume (a first run saves it there)', EXIT.USAGE);
  const quicVersion = o['quic-version'] === undefined ? undefined : parseQuicVersion(o['quic-version']);
  if (positionals.length === 0) throw new CliError('no URL given (try quicwasm client --help)', EXIT.USAGE);
  if (o.alpn !== 'h3' && o.alpn !== 'hq-interop') throw new CliError(`--alpn must be h3 or hq-interop, not ${o.alpn}`, EXIT.USAGE);
  if (o.ca && o.insecure) throw new CliError('--ca and --insecure exclude each other', EXIT.USAGE);
  const congestionControl = o.cc === undefined ? undefined : parseCongestionControl(o.cc);
  const timeoutS = Number(o.timeout);
  if (!(timeoutS > 0)) throw new CliError(`--timeout must be a positive number of seconds, not ${o.timeout}`, EXIT.USAGE);
  const urls = positionals.map((u) => {
    let url: URL;
    try { url = new URL(u); } catch { throw new CliError(`not a URL: ${u}`, EXIT.USAGE); }
    if (url.protocol !== 'https:') throw new CliError(`only https: URLs are supported: ${u}`, EXIT.USAGE);
    return url;
  });
  if (urls.some((u) => u.origin !== urls[0].origin)) throw new CliError('all URLs must share one origin (one connection)', EXIT.USAGE);
  if (!o.output && urls.length > 1) throw new CliError('several URLs need --output DIR', EXIT.USAGE);
  if (o.output) mkdirSync(o.output, { recursive: true });

  const options: H3ClientOptions = {
    address: o.address,
    dangerouslySkipCertificateVerification: o.insecure || undefined,
    trustAnchors: o.ca ? readCertificates(o.ca) : undefined,
    qlogDir: o['qlog-dir'],
    keyLog: o.keylog ? ((file) => (line: string) => appendFileSync(file, line + '\n'))(o.keylog) : undefined,
    transport: congestionControl ? { congestionControl } : undefined,
    cipherSuites: o.cipher?.split(',') as CipherSuiteName[] | undefined, groups: o.group?.split(',') as GroupName[] | undefined, quicVersion,
  };
  if (sessionFile && existsSync(sessionFile)) {
    try {
      options.session = decodeSessionTicket(new Uint8Array(Buffer.from(readFileSync(sessionFile, 'utf8').trim(), 'base64')));
    } catch {
      io.stderr.write(`quicwasm: ignoring unreadable session file ${sessionFile}\n`);
    }
  }
  // 0-RTT: connect() resolves at once and the requests leave with the first flight.
  if (o['0rtt'] && options.session) options.earlyData = true;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`timed out after ${timeoutS} s`)), timeoutS * 1000);
  });
  const started = performance.now();
  const run = async () => {
    const client = o.alpn === 'h3' ? await H3Client.connect(urls[0], options) : await HqClient.connect(urls[0], options);
    const quic: QuicConnection = client.quic;
    // With 0-RTT, connect() resolves before the handshake completes: time it separately.
    const handshakeDone = quic.established.then(() => performance.now() - started);
    handshakeDone.catch(() => undefined);
    let ticket: SessionTicket | null = null;
    quic.onSessionTicket = (t) => { ticket ??= t; };
    if (o['key-update']) quic.updateKeys();
    const progress = createProgress(io.stderr, urls.length, o.quiet || o.json);
    const transferStart = performance.now();
    const outcomes = await Promise.all(urls.map((u) => download(client, u, o.output ?? null, io.stdout, progress)));
    progress.finish();
    const transferMs = performance.now() - transferStart;
    const handshakeMs = await handshakeDone;
    const stats = quic.stats();
    const info = quic.handshakeInfo!;
    const zeroRtt = quic.earlyData;
    const version = quic.version === QUIC_V2 ? 'QUIC v2' : 'QUIC v1';
    if (sessionFile) {
      // A ticket usually arrives right after the handshake; give a late one a moment.
      for (let i = 0; i < 20 && !ticket; i++) await new Promise((r) => setTimeout(r, 25));
      if (ticket) writeFileSync(sessionFile, Buffer.from(encodeSessionTicket(ticket)).toString('base64') + '\n', { mode: 0o600 });
    }
    await client.close();
    return { outcomes, handshakeMs, transferMs, stats, info, zeroRtt, version };
  };
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const { outcomes, handshakeMs, transferMs, stats, info, zeroRtt, version } = result;
  const bytes = outcomes.reduce((n, x) => n + x.bytes, 0);
  const summary = {
    ok: outcomes.every((x) => x.ok), files: outcomes, bytes, durationMs: Math.round(performance.now() - started),
    transferMs: Math.round(transferMs), handshakeMs: Math.round(handshakeMs), rttMs: +(stats.smoothedRttUs / 1000).toFixed(2),
    resumed: info.resumed, zeroRtt: zeroRtt === 'none' ? 'not offered' : zeroRtt, zeroRttAccepted: zeroRtt === 'accepted', version, cipher: info.cipherSuite, alpn: info.alpn,
    packetsLost: stats.packetsLost, keyUpdates: stats.keyUpdates,
  };
  if (o.json) io.stdout.write(JSON.stringify(summary) + '\n');
  else if (!o.quiet) {
    const mbps = transferMs > 0 ? ((bytes * 8) / transferMs / 1000).toFixed(1) : '-';
    io.stderr.write(`${outcomes.filter((x) => x.ok).length}/${outcomes.length} files, ${formatBytes(bytes)} in ${summary.transferMs} ms (${mbps} Mbit/s); `
      + `handshake ${summary.handshakeMs} ms, RTT ${summary.rttMs} ms, ${info.alpn}, ${info.cipherSuite}, ${version}${info.resumed ? ', resumed' : ''}`
      + `${zeroRtt === 'accepted' ? ', 0-RTT accepted' : zeroRtt === 'rejected' ? ', 0-RTT rejected (the requests went again in 1-RTT)' : ''}`
      + `${o['0rtt'] && zeroRtt === 'none' ? (options.session ? ', no 0-RTT (the saved ticket allows no early data)' : ', no 0-RTT yet (no saved ticket)') : ''}\n`);
  }
  if (!summary.ok) {
    const bad = outcomes.filter((x) => !x.ok);
    throw new CliError(`${bad.length} of ${outcomes.length} downloads failed (first: ${bad[0].url}: ${bad[0].detail})`);
  }
  return EXIT.OK;
}

function readCertificates(file: string): Uint8Array[] {
  const pem = readFileSync(file, 'utf8');
  const certs = parsePemCertificates(pem);
  if (!certs.length) throw new CliError(`no PEM certificate in ${file}`, EXIT.USAGE);
  return certs;
}

/** Downloads one URL to a file in `dir` (written under a temporary name, renamed when complete) or to stdout. */
async function download(client: H3Client | HqClient, url: URL, dir: string | null, stdout: NodeJS.WriteStream, progress: ReturnType<typeof createProgress>): Promise<Outcome> {
  const name = basename(url.pathname) || 'index.html';
  const target = dir ? join(dir, name) : null;
  const part = target ? `${target}.part` : null;
  let bytes = 0;
  let status: number | 'reset' = 'reset';
  try {
    let body: ReadableStream<Uint8Array>;
    let total: number | null = null;
    if (client instanceof H3Client) {
      const res = await client.fetch(url);
      status = res.status;
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        progress.done(url.href, 0, `HTTP ${res.status}`);
        return { url: url.href, status, bytes: 0, file: null, ok: false, detail: `HTTP status ${res.status}` };
      }
      const len = res.headers.get('content-length');
      total = len !== null && /^\d+$/.test(len) ? Number(len) : null;
      body = res.body ?? new ReadableStream({ start: (c) => c.close() });
    } else {
      body = await client.get(url.pathname + url.search);
      status = 200;
    }
    const sink = part ? createWriteStream(part) : null;
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        progress.update(url.href, chunk.length, total);
        const out: NodeJS.WritableStream = sink ?? stdout;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      if (sink) await new Promise<void>((res, rej) => sink.end((err?: Error | null) => (err ? rej(err) : res())));
    }
    if (part && target) renameSync(part, target);
    progress.done(url.href, bytes, `${status}, ${formatBytes(bytes)}${target ? ` → ${target}` : ''}`);
    return { url: url.href, status, bytes, file: target, ok: true, detail: 'ok' };
  } catch (e) {
    if (part) rmSync(part, { force: true });
    const code = (e as { quicCode?: number }).quicCode;
    const detail = code !== undefined ? `stream reset by the server (code 0x${code.toString(16)})` : (e as Error).message;
    progress.done(url.href, bytes, `failed: ${detail}`);
    return { url: url.href, status: code !== undefined ? 'reset' : status, bytes, file: null, ok: false, detail };
  }
}
