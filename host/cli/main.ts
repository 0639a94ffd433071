// The `quicwasm` command: `server` and `client` (see --help of each). Every failure
// ends as one line on stderr and a non-zero exit code; QUICWASM_DEBUG=1 adds the stack.

import { clientCommand, CLIENT_HELP } from './client';
import { serverCommand, SERVER_HELP } from './server';
import { demoCommand, DEMO_HELP } from './demo';
import { CliError, describeError, EXIT } from './errors';

const HELP = `Usage: quicwasm <command> [options]

Commands:
  server   serve a directory over HTTP/3 and hq-interop
  client   download URLs over HTTP/3 or hq-interop
  demo     a server and a client on loopback: handshake, concurrent downloads, resumption

Run "quicwasm <command> --help" for the options of each.`;

/** Runs the CLI; resolves with the exit code (the server resolves only when stopped by a signal). */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      const topic = cmd === 'help' ? rest[0] : undefined;
      io.stdout.write((topic === 'server' ? SERVER_HELP : topic === 'client' ? CLIENT_HELP : topic === 'demo' ? DEMO_HELP : HELP) + '\n');
      return cmd ? EXIT.OK : EXIT.USAGE;
    }
    if (cmd === 'client') return await clientCommand(rest, io);
    if (cmd === 'demo') return await demoCommand(rest, io);
    if (cmd === 'server') {
      const r = await serverCommand(rest, io);
      if (typeof r === 'number') return r;
      await new Promise<void>((resolve) => {
        const stop = () => { resolve(); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await r();
      return EXIT.OK;
    }
    throw new CliError(`unknown command "${cmd}" (commands: server, client, demo)`, EXIT.USAGE);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const usage = code?.startsWith('ERR_PARSE_ARGS') || code === 'ERR_QUIC_INVALID_ARGUMENT';
    io.stderr.write(`quicwasm: ${code?.startsWith('ERR_PARSE_ARGS') ? (e as Error).message : describeError(e)}\n`);
    if (process.env.QUICWASM_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return usage ? EXIT.USAGE : e instanceof CliError ? e.exitCode : EXIT.FAILURE;
  }
}

// Run when executed directly (tsx host/cli/main.ts, or dist/cli.mjs as the package's bin).
const entry = process.argv[1] ?? '';
if (/(?:^|[/\\])(?:main\.ts|cli\.mjs|quicwasm)$/.test(entry)) {
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`quicwasm: ${describeError(e)}\n`);
    process.exit(EXIT.FAILURE);
  });
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
