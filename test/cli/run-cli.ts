// Running the `quicwasm` command as a child process (through tsx, as in development), for
// the CLI tests: one-shot commands, and servers left running until the test stops them.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
export const MAIN = join(ROOT, 'host/cli/main.ts');

export interface Result { code: number | null; stdout: string; stderr: string }

/** Runs `quicwasm ...args` to its end (killed after timeoutMs). */
export function cli(args: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((res) => {
    const p = spawn(TSX, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => { clearTimeout(t); res({ code, stdout, stderr }); });
  });
}

/** A running `quicwasm server`: its port, everything it printed so far, and stop(). */
export interface CliServer { port: number; output: () => string; stop: () => Promise<void> }

/** Starts `quicwasm server ...args` and resolves once it prints its port. */
export async function startCliServer(args: string[]): Promise<CliServer> {
  const p: ChildProcess = spawn(TSX, [MAIN, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { out += d; });
  const port = await new Promise<number>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 30_000);
    p.stdout!.on('data', () => {
      const m = /:(\d+) \(UDP\)/.exec(out);
      if (m) { clearTimeout(t); res(Number(m[1])); }
    });
    p.on('exit', (c) => { clearTimeout(t); rej(new Error(`server exited ${c}: ${out}`)); });
  });
  return {
    port,
    output: () => out,
    stop: async () => {
      if (p.exitCode !== null) return;
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    },
  };
}
