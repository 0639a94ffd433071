// The demo's tiny application protocol over QUIC (ALPN "quicwasm-echo"): each
// bidirectional stream the client opens is echoed back byte for byte, unless it starts
// with "SHA256\n", in which case the server answers with the hex SHA-256 of the rest
// (so large uploads can be checked without sending them back).
export const ALPN = 'quicwasm-echo';
export const HASH_PREFIX = new TextEncoder().encode('SHA256\n');

export function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/** "12.3 MB" style sizes for people. */
export function human(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** Parses --name value and --flag arguments. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = 'true';
    else { out[a.slice(2)] = next; i++; }
  }
  return out;
}
