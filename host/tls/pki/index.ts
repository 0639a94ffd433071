// The PKI the TLS engine uses: keys and signatures, certificates, chain verification,
// self-signed generation, PEM. Platform-neutral (node-roots.ts is the one Node file).
export { type KeyType, type PrivateKey, Scheme, generateKey, signatureSchemesFor, sign, verifySchemeSignature } from './keys';
export { parseCertificate, type Certificate } from './x509';
export { verifyCertificateChain, matchesName, type VerifyOptions, type VerifyResult } from './verify';
export { CertificateVerificationCache, defaultVerificationCache, type VerificationCacheOptions } from './verify-cache';
export { generateSelfSigned, type CertifiedKey, type SelfSignedOptions } from './selfsigned';
export { toPem, fromPem, parsePemCertificates, parsePemPrivateKey, privateKeyToPkcs8 } from './pem';
