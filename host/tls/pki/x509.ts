// X.509 certificate parsing (RFC 5280), the fields TLS needs: names, validity, the
// public key, subjectAltName, basicConstraints, keyUsage, extKeyUsage, nameConstraints,
// the policy extensions and the signature. Every extension keeps its critical flag:
// a critical extension this file does not parse is listed in `unhandledCritical`, and
// verification rejects the certificate (RFC 5280 §4.2: "A certificate-using system
// MUST reject the certificate if it encounters a critical extension it does not
// recognize").

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
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
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
  /** Tags of every subjectAltName entry (GeneralName CHOICE tags, e.g. 0x81 rfc822Name, 0x86 URI). */
  sanTags: number[];
  /** The subject DN has an emailAddress attribute (a legacy rfc822Name for name constraints). */
  subjectHasEmail: boolean;
  /** nameConstraints (RFC 5280 §4.2.1.10), if present. */
  nameConstraints?: NameConstraints;
  /** certificatePolicies policy OIDs (RFC 5280 §4.2.1.4), if the extension is present. */
  policies?: string[];
  /** policyConstraints requireExplicitPolicy (RFC 5280 §4.2.1.11), if present. */
  requireExplicitPolicy?: number;
  /** inhibitAnyPolicy SkipCerts (RFC 5280 §4.2.1.14), if present. */
  inhibitAnyPolicy?: number;
  /** A policyMappings extension is present (not processed; see policy.ts). */
  hasPolicyMappings: boolean;
  /** OIDs of critical extensions this parser does not process: the certificate must be rejected. */
  unhandledCritical: string[];
}

/** One GeneralSubtree base (RFC 5280 §4.2.1.10): the name form's tag and its bytes. */
export interface GeneralSubtree {
  /** GeneralName tag: 0x82 dNSName, 0x87 iPAddress, 0xa4 directoryName, 0x81 rfc822Name, ... */
  tag: number;
  value: Uint8Array;
}

export interface NameConstraints {
  permitted: GeneralSubtree[];
  excluded: GeneralSubtree[];
}

/** GeneralName tags (context-specific; otherName, x400Address, directoryName and ediPartyName are constructed). */
export const GN = { otherName: 0xa0, rfc822Name: 0x81, dNSName: 0x82, x400Address: 0xa3, directoryName: 0xa4, ediPartyName: 0xa5, uri: 0x86, iPAddress: 0x87, registeredID: 0x88 } as const;

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
    dnsNames: [], ipAddresses: [], isCA: false, sanTags: [], subjectHasEmail: false, hasPolicyMappings: false, unhandledCritical: [],
  };
  readSubject(subjectTlv.value, c);
  while (!tbs.done) {
    const t = tbs.read();
    if (t.tag !== 0xa3) continue; // issuerUniqueID / subjectUniqueID
    const exts = new DerReader(t.value).enter(TAG.SEQUENCE);
    const seen = new Set<string>();
    while (!exts.done) parseExtension(exts.enter(TAG.SEQUENCE), c, seen);
  }
  return c;
}

function readSubject(name: Uint8Array, c: Certificate): void {
  const r = new DerReader(name);
  while (!r.done) {
    const set = r.enter(TAG.SET);
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE);
      const oid = oidToString(atv.read(TAG.OID).value);
      const v = atv.read();
      if (oid === OID.commonName && c.commonName === undefined) c.commonName = new TextDecoder().decode(v.value);
      if (oid === OID.emailAddress) c.subjectHasEmail = true;
    }
  }
}

/** Extensions whose meaning this parser and verify.ts implement; any other critical one rejects the certificate. */
const PROCESSED = new Set<string>([
  OID.subjectAltName, OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.nameConstraints,
  // Policies: policy.ts runs RFC 5280 §6.1's policy processing on them, except
  // policyMappings (critical, it rejects the certificate; see policy.ts for when a
  // non-critical one matters). inhibitPolicyMapping only acts on mappings.
  OID.certificatePolicies, OID.policyConstraints, OID.inhibitAnyPolicy,
]);

function parseExtension(e: DerReader, c: Certificate, seen: Set<string>): void {
  const oid = oidToString(e.read(TAG.OID).value);
  // RFC 5280 §4.2: at most one instance of an extension per certificate.
  if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
  seen.add(oid);
  let critical = false;
  if (e.peekTag() === TAG.BOOLEAN) {
    const b = e.read(TAG.BOOLEAN).value;
    if (b.length !== 1) throw new DerError('bad critical flag');
    critical = b[0] !== 0;
  }
  const body = new DerReader(e.read(TAG.OCTET_STRING).value);
  if (!e.done) throw new DerError(`trailing bytes in extension ${oid}`);
  if (critical && !PROCESSED.has(oid)) c.unhandledCritical.push(oid);
  if (oid === OID.subjectAltName) {
    const names = body.enter(TAG.SEQUENCE);
    while (!names.done) {
      const n = names.read();
      c.sanTags.push(n.tag);
      if (n.tag === GN.dNSName) c.dnsNames.push(new TextDecoder().decode(n.value).toLowerCase());
      else if (n.tag === GN.iPAddress) {
        if (n.value.length !== 4 && n.value.length !== 16) throw new DerError('subjectAltName iPAddress must be 4 or 16 bytes');
        c.ipAddresses.push(n.value.slice());
      }
    }
  } else if (oid === OID.nameConstraints) {
    c.nameConstraints = parseNameConstraints(body.enter(TAG.SEQUENCE));
  } else if (oid === OID.certificatePolicies) {
    // PolicyInformation ::= SEQUENCE { policyIdentifier, policyQualifiers OPTIONAL }; qualifiers are informational.
    const policies = body.enter(TAG.SEQUENCE);
    if (policies.done) throw new DerError('empty certificatePolicies');
    c.policies = [];
    while (!policies.done) {
      const id = oidToString(policies.enter(TAG.SEQUENCE).read(TAG.OID).value);
      // "A certificate policy OID MUST NOT appear more than once in a certificate policies extension."
      if (c.policies.includes(id)) throw new DerError(`policy ${id} listed twice`);
      c.policies.push(id);
    }
  } else if (oid === OID.policyConstraints) {
    // SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL }
    const pc = body.enter(TAG.SEQUENCE);
    if (pc.done) throw new DerError('empty policyConstraints');
    while (!pc.done) {
      const f = pc.read();
      if (f.tag === 0x80) c.requireExplicitPolicy = smallInt(f.value);
      else if (f.tag !== 0x81) throw new DerError('bad policyConstraints field');
    }
  } else if (oid === OID.inhibitAnyPolicy) {
    c.inhibitAnyPolicy = smallInt(body.read(TAG.INTEGER).value);
  } else if (oid === OID.policyMappings) {
    c.hasPolicyMappings = true;
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

function smallInt(b: Uint8Array): number {
  if (b.length === 0 || b.length > 4 || b[0] & 0x80) throw new DerError('bad small INTEGER');
  return b.reduce((n, x) => n * 256 + x, 0);
}

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }. */
function parseNameConstraints(r: DerReader): NameConstraints {
  const nc: NameConstraints = { permitted: [], excluded: [] };
  // "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (r.done) throw new DerError('empty nameConstraints');
  while (!r.done) {
    const t = r.read();
    if (t.tag !== 0xa0 && t.tag !== 0xa1) throw new DerError('bad nameConstraints field');
    const list = t.tag === 0xa0 ? nc.permitted : nc.excluded;
    const subtrees = new DerReader(t.value);
    if (subtrees.done) throw new DerError('empty GeneralSubtrees');
    while (!subtrees.done) {
      // GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }
      const st = subtrees.enter(TAG.SEQUENCE);
      const base = st.read();
      // RFC 5280: minimum MUST be zero and maximum MUST be absent; anything else we cannot apply.
      if (!st.done) throw new DerError('GeneralSubtree with minimum or maximum');
      if (base.tag === GN.iPAddress && base.value.length !== 8 && base.value.length !== 32) throw new DerError('iPAddress name constraint must be 8 or 32 bytes');
      list.push({ tag: base.tag, value: base.value });
    }
  }
  return nc;
}
