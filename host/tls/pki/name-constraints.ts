// Name constraints (RFC 5280 §4.2.1.10, §6.1.4 (g)): a CA's permitted and excluded
// subtrees bind every certificate below it in the path, and the subjectAltName entries
// of the leaf. We check the dNSName and iPAddress forms. For any other form a CA
// constrains (directoryName, rfc822Name, URI, ...) that a certificate below actually
// uses, we cannot decide, so the certificate is rejected rather than accepted unchecked.

import { GN, type Certificate, type GeneralSubtree, type NameConstraints } from './x509';

/** Why a certificate fails its issuer's constraints; `unsupported` = a form we cannot check. */
export interface ConstraintViolation {
  unsupported: boolean;
  message: string;
}

const FORM_NAMES: Record<number, string> = {
  [GN.otherName]: 'otherName', [GN.rfc822Name]: 'rfc822Name', [GN.dNSName]: 'dNSName', [GN.x400Address]: 'x400Address',
  [GN.directoryName]: 'directoryName', [GN.ediPartyName]: 'ediPartyName', [GN.uri]: 'URI', [GN.iPAddress]: 'iPAddress', [GN.registeredID]: 'registeredID',
};

const formName = (tag: number) => FORM_NAMES[tag] ?? `GeneralName tag 0x${tag.toString(16)}`;

/** Checks `cert`'s names against one CA's constraints; null when they hold. */
export function checkNameConstraints(cert: Certificate, nc: NameConstraints, caName: string): ConstraintViolation | null {
  const forms = new Set([...nc.permitted, ...nc.excluded].map((s) => s.tag));
  for (const form of forms) {
    if (form === GN.dNSName || form === GN.iPAddress) continue;
    if (usesForm(cert, form)) {
      return { unsupported: true, message: `"${caName}" constrains ${formName(form)} names, which "${cert.commonName ?? 'certificate'}" uses and we cannot check` };
    }
  }
  const dnsPermitted = nc.permitted.filter((s) => s.tag === GN.dNSName).map(dnsBase);
  const dnsExcluded = nc.excluded.filter((s) => s.tag === GN.dNSName).map(dnsBase);
  for (const name of cert.dnsNames) {
    if (dnsPermitted.length && !dnsPermitted.some((p) => dnsWithin(name, p))) {
      return violation(name, 'permitted', dnsPermitted.map(show), caName);
    }
    const ex = dnsExcluded.find((e) => dnsTouches(name, e));
    if (ex !== undefined) return violation(name, 'excluded', [show(ex)], caName);
  }
  const ipPermitted = nc.permitted.filter((s) => s.tag === GN.iPAddress).map(ipRange);
  const ipExcluded = nc.excluded.filter((s) => s.tag === GN.iPAddress).map(ipRange);
  for (const ip of cert.ipAddresses) {
    // Per form and per address family: a v4 SAN is bound only by v4 subtrees (and v6 by v6).
    const permittedSameFamily = ipPermitted.filter((r) => r.addr.length === ip.length);
    if (ipPermitted.length && !permittedSameFamily.some((r) => ipWithin(ip, r))) {
      return violation(ipString(ip), 'permitted', ipPermitted.map(rangeString), caName);
    }
    const ex = ipExcluded.find((r) => ipWithin(ip, r));
    if (ex) return violation(ipString(ip), 'excluded', [rangeString(ex)], caName);
  }
  return null;
}

function violation(name: string, kind: 'permitted' | 'excluded', subtrees: string[], caName: string): ConstraintViolation {
  return { unsupported: false, message: `certificate name ${name} violates the name constraints of "${caName}" (${kind}: ${subtrees.join(', ')})` };
}

/** Whether `cert` carries a name of this form: in subjectAltName, or (directoryName, rfc822Name) in its subject DN. */
function usesForm(cert: Certificate, form: number): boolean {
  if (cert.sanTags.includes(form)) return true;
  // The subject is a directoryName; an empty subject (a SEQUENCE of no RDNs, 0x30 0x00) names nothing.
  if (form === GN.directoryName) return cert.subject.length > 2;
  // RFC 5280 §4.2.1.10: rfc822Name constraints also bind emailAddress attributes of the subject.
  if (form === GN.rfc822Name) return cert.subjectHasEmail;
  return false;
}

// ---- dNSName ----------------------------------------------------------------------------

function dnsBase(s: GeneralSubtree): string {
  return new TextDecoder().decode(s.value).toLowerCase().replace(/\.$/, '');
}

const show = (base: string) => base === '' ? '(any DNS name)' : base;

/**
 * Whether every name `name` stands for lies in the subtree `base`: "example.com" holds
 * example.com and any name made by adding labels on the left ("Any DNS name that can be
 * constructed by simply adding zero or more labels to the left-hand side"); ".example.com"
 * (the common extension OpenSSL and Go accept) holds subdomains only; "" holds every name.
 * A wildcard SAN ("*.example.com") is compared with "*" as a literal label: it is inside
 * "example.com" but not inside "www.example.com", since it also stands for other names.
 */
function dnsWithin(name: string, base: string): boolean {
  const n = name.replace(/\.$/, '');
  if (base === '') return true;
  if (base.startsWith('.')) return n.endsWith(base) && n.length > base.length;
  return n === base || n.endsWith('.' + base);
}

/** Whether some name `name` stands for lies in the excluded subtree `base` (a wildcard covers one label). */
function dnsTouches(name: string, base: string): boolean {
  if (dnsWithin(name, base)) return true;
  const n = name.replace(/\.$/, '');
  if (!n.startsWith('*.')) return false;
  // "*.example.com" stands for "x.example.com": it touches the subtree of any one-label child of example.com.
  const parent = n.slice(2);
  const b = base.startsWith('.') ? base.slice(1) : base;
  if (base.startsWith('.')) return b === parent || dnsWithin(parent, base);
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot + 1) === parent;
}

// ---- iPAddress ---------------------------------------------------------------------------

interface IpRange { addr: Uint8Array; mask: Uint8Array }

/** An iPAddress subtree is address then mask: 8 bytes for IPv4, 32 for IPv6 (RFC 5280 §4.2.1.10). */
function ipRange(s: GeneralSubtree): IpRange {
  const half = s.value.length / 2;
  if (half !== 4 && half !== 16) throw new Error(`iPAddress name constraint of ${s.value.length} bytes (must be 8 or 32)`);
  return { addr: s.value.subarray(0, half), mask: s.value.subarray(half) };
}

function ipWithin(ip: Uint8Array, r: IpRange): boolean {
  if (ip.length !== r.addr.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i] & r.mask[i]) !== (r.addr[i] & r.mask[i])) return false;
  return true;
}

export function ipString(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((ip[i] << 8) | ip[i + 1]).toString(16));
  return g.join(':');
}

function rangeString(r: IpRange): string {
  let bits = 0;
  for (const b of r.mask) for (let i = 7; i >= 0; i--) if (b & (1 << i)) bits++;
  return `${ipString(r.addr)}/${bits}`;
}
