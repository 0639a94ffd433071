// The platform's trust anchors under Node, Deno and Bun (node:tls rootCertificates).
import { rootCertificates } from 'node:tls';
import { parsePemCertificates } from './pem';

let cached: Uint8Array[] | null = null;

/** DER of every root certificate the runtime trusts. */
export function systemTrustAnchors(): Uint8Array[] {
  cached ??= rootCertificates.flatMap((pem) => parsePemCertificates(pem));
  return cached;
}
