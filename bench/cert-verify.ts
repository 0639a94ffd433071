// Certificate-chain verification per handshake: a leaf ← intermediate ← root chain
// (ECDSA P-256) against the platform's roots plus ours, verified from scratch (the
// baseline, the cost before the cache), answered by CertificateVerificationCache, and
// from scratch with anchors that are new buffers each time (what parsing ~150 roots
// per handshake cost before parsed anchors were remembered).
//   npx tsx bench/cert-verify.ts
import { CertificateVerificationCache, generateSelfSigned, verifyCertificateChain } from '../host/tls/pki/index';
import { systemTrustAnchors } from '../host/tls/pki/node-roots';
import { opsPerSecond, report, type BenchRow } from './lib';

const root = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'bench root' });
const inter = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'bench intermediate', issuer: root });
const leaf = generateSelfSigned({ subjectAltNames: ['bench.example'], issuer: inter });
const chain = leaf.chain.slice(0, 2);
const anchors = [...systemTrustAnchors(), root.chain[0]];
const opts = { trustAnchors: anchors, serverName: 'bench.example', purpose: 'server' as const };

const check = (ok: boolean) => { if (!ok) throw new Error('verification failed'); };
const cold = opsPerSecond((n) => { for (let i = 0; i < n; i++) check(verifyCertificateChain(chain, opts).ok); }, 5);
const cache = new CertificateVerificationCache();
const cached = opsPerSecond((n) => { for (let i = 0; i < n; i++) check(cache.verify(chain, opts).ok); }, 100);
const copies = opsPerSecond((n) => {
  for (let i = 0; i < n; i++) check(verifyCertificateChain(chain, { ...opts, trustAnchors: anchors.map((a) => a.slice()) }).ok);
}, 2);

const rows: BenchRow[] = [
  { name: 'verify from scratch (baseline)', value: cold, unit: 'chains/s' },
  { name: 'verify, cache hit', value: cached, unit: 'chains/s', extra: { speedup: Math.round(cached / cold) } },
  { name: 'verify from scratch, anchors re-parsed', value: copies, unit: 'chains/s' },
];
report('cert-verify', rows, [`${anchors.length} trust anchors, 2-certificate chain, ECDSA P-256 signatures via keys.ts`, `cache hit ${(cached / cold).toFixed(0)}x the baseline`]);
