// `npm run demo`: a QUIC server and client in two processes on 127.0.0.1, talking over
// real UDP. Makes a self-signed certificate (no openssl needed), starts the server,
// runs the client against it, and shuts the server down.
//   npm run demo -- [--echo BYTES] [--upload BYTES] [--parallel N] [--size BYTES]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { parseArgs } from './protocol';

const args = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'quicwasm-demo-'));
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1', '::1'] });
writeFileSync(join(dir, 'cert.pem'), cert.certPem);
writeFileSync(join(dir, 'key.pem'), cert.keyPem);
console.log(`[demo] self-signed ECDSA P-256 certificate for localhost in ${dir}`);

const node = (file: string, a: string[]) => spawn(process.execPath, ['--import', 'tsx', join(__dirname, file), ...a], { stdio: ['ignore', 'pipe', 'inherit'] });
const server = node('server.ts', ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--address', args.address ?? '127.0.0.1']);
const cleanup = () => { server.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };
const timer = setTimeout(() => { console.error('[demo] timed out after 120 s'); cleanup(); process.exit(1); }, 120_000);

createInterface({ input: server.stdout! }).on('line', (line) => {
  const m = /^LISTENING (\S+) (\d+)$/.exec(line);
  if (!m) { if (!line.startsWith('CPU ')) console.log(line); return; }
  const client = node('client.ts', [
    '--address', m[1], '--port', m[2], '--ca', join(dir, 'cert.pem'),
    '--echo', args.echo ?? String(8 << 20), '--upload', args.upload ?? String(32 << 20),
    '--parallel', args.parallel ?? '100', '--size', args.size ?? '10000',
  ]);
  createInterface({ input: client.stdout! }).on('line', (l) => { if (!l.startsWith('RESULT ')) console.log(l); });
  client.on('exit', (code) => {
    clearTimeout(timer);
    // Give the server a moment to log the close, then stop it.
    setTimeout(() => {
      cleanup();
      console.log(code === 0 ? '[demo] done: every transfer arrived byte-exact' : `[demo] client failed (exit ${code})`);
      process.exit(code ?? 1);
    }, 300);
  });
});
server.on('exit', (code) => { if (code) { console.error(`[demo] server exited with ${code}`); process.exit(1); } });
