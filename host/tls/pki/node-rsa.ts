// RSA-PSS signing through node:crypto (OpenSSL, constant-time with blinding) for servers
// with RSA certificates. Node, Deno and Bun have it; the browser build leaves RSA
// signing unregistered and asks for an ECDSA or Ed25519 key instead.

import { createPrivateKey, sign, constants, type KeyObject } from 'node:crypto';
import { registerRsaPssSigner, type PrivateKey } from './keys';

const keyObjects = new WeakMap<PrivateKey, KeyObject>();
const SALT = { sha256: 32, sha384: 48, sha512: 64 };

registerRsaPssSigner((key, hash, message) => {
  let k = keyObjects.get(key);
  if (!k) {
    k = createPrivateKey({ key: Buffer.from(key.secret), format: 'der', type: key.rsaEncoding ?? 'pkcs8' });
    keyObjects.set(key, k);
  }
  // TLS 1.3: RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
  return new Uint8Array(sign(hash, message, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[hash] }));
});
