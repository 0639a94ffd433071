// Only the rooms that must touch a platform import Node built-ins (issue 10): the
// node:dgram network, the node:crypto provider and signer, the platform roots, the qlog
// file writer, the Node loader and entry. Everything the browser entry can reach is
// platform-neutral, and the built browser bundle imports nothing at all.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const HOST = join(ROOT, 'host');

/** The rooms allowed to use Node built-ins, relative to the repository root. */
const NODE_ROOMS = new Set([
  'host/index.ts', 'host/node.ts', 'host/node-qlog.ts', 'host/net/udp.ts', 'host/net/peer-sockets.ts', 'host/crypto/node-provider.ts',
  'host/tls/pki/node-roots.ts', 'host/tls/pki/node-rsa.ts', 'host/tls/handshake-node.ts', 'host/core/node-loader.ts', 'host/core/node-core-reserve.ts', 'host/api/node-duplex.ts',
  // HTTP/3 over node:dgram: DNS for URLs, files for the static handler (the framing, QPACK and connection are portable).
  'host/h3/client.ts', 'host/h3/files.ts', 'host/h3/node-style.ts',
]);
/** Whole folders that are Node-only: the `quicwasm` command line. */
const NODE_FOLDERS = ['host/cli/'];

const NODE_BUILTINS = /^(node:|fs$|path$|os$|crypto$|dgram$|url$|child_process$|worker_threads$|util$|stream$|events$|buffer$|process$)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of src.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of src.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** Node globals a portable file must not touch (comments and strings aside, roughly). */
function nodeGlobals(file: string): string[] {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
  return ['Buffer', 'process', '__dirname', '__filename', 'require', 'setImmediate'].filter((g) => new RegExp(`\\b${g}\\b`).test(code));
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base + '.ts', join(base, 'index.ts'), base]) if (existsSync(c) && statSync(c).isFile()) return c;
  throw new Error(`cannot resolve ${spec} from ${relative(ROOT, from)}`);
}

describe('platform boundaries', () => {
  test('Node built-ins and globals appear only in the Node rooms', () => {
    const offenders: string[] = [];
    for (const f of files(HOST)) {
      const rel = relative(ROOT, f);
      if (NODE_ROOMS.has(rel) || NODE_FOLDERS.some((d) => rel.startsWith(d))) continue;
      for (const spec of imports(f)) if (NODE_BUILTINS.test(spec)) offenders.push(`${rel} imports ${spec}`);
      for (const g of nodeGlobals(f)) offenders.push(`${rel} uses ${g}`);
    }
    expect(offenders).toEqual([]);
  });

  test('the browser entry reaches no Node room', () => {
    const seen = new Set<string>();
    const reached: string[] = [];
    const walk = (f: string, via: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      const rel = relative(ROOT, f);
      if (NODE_ROOMS.has(rel)) reached.push(`${rel} (via ${via})`);
      for (const spec of imports(f)) {
        const next = resolveLocal(f, spec);
        if (next) walk(next, rel);
      }
    };
    walk(join(HOST, 'browser.ts'), 'entry');
    expect(reached).toEqual([]);
    expect(seen.size).toBeGreaterThan(50); // the walk really followed the graph
  });

  test('the check itself catches a Node import and a Node global', () => {
    const probe = join(ROOT, 'test/portability/fixtures/leaky.ts');
    expect(imports(probe)).toContain('node:fs');
    expect(nodeGlobals(probe)).toEqual(['Buffer', 'process']);
  });
});
