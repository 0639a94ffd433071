// X.509 certificate parsing (RFC 5280), the fields TLS needs: names, validity, the
// public key, subjectAltName, basicConstraints, keyUsage and the signature.

import { DerReader, DerError, TAG, oidToString, parseTime } from './der';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  rsaPss: '1.2.840.113549.1.1.10',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  commonName: '2.5.4.3',
} as const;

export interface Certificate {
  der: Uint8Array;
  tbs: Uint8Array;
  serial: Uint8Array;
  /** DER of the issuer and subject Names, compared byte for byte when building paths. */
  issuer: Uint8Array;
  subject: Uint8Array;
  /** The subject's CN, for display. */
  commonName?: string;
  notBefore: Date;
  notAfter: Date;
  /** Public key algorithm OID and curve OID (EC). */
  keyAlgorithm: string;
  keyCurve?: string;
  /** Raw subjectPublicKey bits (EC point, Ed25519 key, or RSAPublicKey DER). */
  publicKey: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  isCA: boolean;
  pathLen?: number;
  /** keyUsage bits, if the extension is present (bit 0 = digitalSignature ... bit 5 = keyCertSign). */
  keyUsage?: number;
  /** extendedKeyUsage purpose OIDs, if the extension is present. */
  extKeyUsage?: string[];
}

/** Parses a DER certificate; throws DerError on malformed input. */
export function parseCertificate(der: Uint8Array): Certificate {
  const top = new DerReader(der);
  const cert = top.enter(TAG.SEQUENCE);
  if (!top.done) throw new DerError('trailing bytes after certificate');
  const tbsTlv = cert.read(TAG.SEQUENCE);
  const sigAlg = cert.enter(TAG.SEQUENCE);
  const signatureAlgorithm = oidToString(sigAlg.read(TAG.OID).value);
  const sigBits = cert.read(TAG.BIT_STRING).value;
  if (sigBits.length < 1 || sigBits[0] !== 0) throw new DerError('bad signature bit string');

  const tbs = new DerReader(tbsTlv.value);
  if (tbs.peekTag() === 0xa0) tbs.read(0xa0); // version
  const serial = tbs.read(TAG.INTEGER).value;
  tbs.read(TAG.SEQUENCE); // signature algorithm (must match the outer one; checked by the signature)
  const issuer = tbs.read(TAG.SEQUENCE).raw;
  const validity = tbs.enter(TAG.SEQUENCE);
  const notBefore = parseTime(validity.read());
  const notAfter = parseTime(validity.read());
  const subjectTlv = tbs.read(TAG.SEQUENCE);
  const spki = tbs.enter(TAG.SEQUENCE);
  const alg = spki.enter(TAG.SEQUENCE);
  const keyAlgorithm = oidToString(alg.read(TAG.OID).value);
  let keyCurve: string | undefined;
  if (!alg.done && alg.peekTag() === TAG.OID) keyCurve = oidToString(alg.read(TAG.OID).value);
  const keyBits = spki.read(TAG.BIT_STRING).value;
  if (keyBits.length < 1 || keyBits[0] !== 0) throw new DerError('bad public key bit string');

  const c: Certificate = {
    der, tbs: tbsTlv.raw, serial, issuer, subject: subjectTlv.raw, notBefore, notAfter,
    keyAlgorithm, keyCurve, publicKey: keyBits.subarray(1), signatureAlgorithm, signature: sigBits.subarray(1),
    dnsNames: [], ipAddresses: [], isCA: false,
  };
  c.commonName = findCommonName(subjectTlv.value);
  while (!tbs.done) {
    const t = tbs.read();
    if (t.tag !== 0xa3) continue; // issuerUniqueID / subjectUniqueID
    const exts = new DerReader(t.value).enter(TAG.SEQUENCE);
    while (!exts.done) parseExtension(exts.enter(TAG.SEQUENCE), c);
  }
  return c;
}

function findCommonName(name: Uint8Array): string | undefined {
  const r = new DerReader(name);
  while (!r.done) {
    const set = r.enter(TAG.SET);
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE);
      const oid = oidToString(atv.read(TAG.OID).value);
      const v = atv.read();
      if (oid === OID.commonName) return new TextDecoder().decode(v.value);
    }
  }
  return undefined;
}

function parseExtension(e: DerReader, c: Certificate): void {
  const oid = oidToString(e.read(TAG.OID).value);
  if (e.peekTag() === TAG.BOOLEAN) e.read(TAG.BOOLEAN); // critical
  const body = new DerReader(e.read(TAG.OCTET_STRING).value);
  if (oid === OID.subjectAltName) {
    const names = body.enter(TAG.SEQUENCE);
    while (!names.done) {
      const n = names.read();
      if (n.tag === 0x82) c.dnsNames.push(new TextDecoder().decode(n.value).toLowerCase());
      else if (n.tag === 0x87) c.ipAddresses.push(n.value.slice());
    }
  } else if (oid === OID.basicConstraints) {
    const bc = body.enter(TAG.SEQUENCE);
    if (!bc.done && bc.peekTag() === TAG.BOOLEAN) c.isCA = bc.read(TAG.BOOLEAN).value[0] !== 0;
    if (!bc.done && bc.peekTag() === TAG.INTEGER) c.pathLen = bc.read(TAG.INTEGER).value.reduce((n, b) => n * 256 + b, 0);
  } else if (oid === OID.extKeyUsage) {
    const purposes = body.enter(TAG.SEQUENCE);
    c.extKeyUsage = [];
    while (!purposes.done) c.extKeyUsage.push(oidToString(purposes.read(TAG.OID).value));
  } else if (oid === OID.keyUsage) {
    const bits = body.read(TAG.BIT_STRING).value;
    // Bit 0 is the most significant bit of the first content byte.
    let v = 0;
    for (let i = 1; i < bits.length && i < 3; i++) for (let b = 0; b < 8; b++) if (bits[i] & (0x80 >> b)) v |= 1 << ((i - 1) * 8 + b);
    c.keyUsage = v;
  }
}
