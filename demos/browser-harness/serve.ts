// Serves the harness on http://127.0.0.1 (a loopback origin is a secure context): the page,
// its bundled app (build/harness-app.mjs, npm run build:checks) and the runtime-checks
// bundle (for the cross-runtime bench). `npm run harness` builds, serves and prints the URL.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const ROUTES: Record<string, [string, string]> = {
  '/': [join(__dirname, 'index.html'), 'text/html; charset=utf-8'],
  '/app.mjs': [join(ROOT, 'build/harness-app.mjs'), 'text/javascript'],
  '/runtime-checks.mjs': [join(ROOT, 'build/runtime-checks.mjs'), 'text/javascript'],
  '/blank.html': ['', 'text/html; charset=utf-8'],
  '/core.wasm': [join(ROOT, 'dist/core.wasm'), 'application/wasm'],
  '/browser.mjs': [join(ROOT, 'dist/browser.mjs'), 'text/javascript'],
};

/** Starts the server on 127.0.0.1 (port 0 = any free port); resolves with it and its URL. */
export function serveHarness(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const route = ROUTES[(req.url ?? '/').split('?')[0]];
    if (!route) { res.writeHead(404).end('not found'); return; }
    try {
      const body = route[0] ? readFileSync(route[0]) : '<!doctype html><title>blank</title>';
      res.writeHead(200, { 'content-type': route[1], 'cache-control': 'no-store' }).end(body);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  return new Promise((res) => server.listen(port, '127.0.0.1', () => {
    const addr = server.address() as { port: number };
    res({ server, url: `http://127.0.0.1:${addr.port}/` });
  }));
}

if (require.main === module) {
  serveHarness(Number(process.argv[2] ?? 8080)).then(({ url }) => console.log(`quicwasm browser harness: open ${url} (Ctrl-C to stop)`));
}
