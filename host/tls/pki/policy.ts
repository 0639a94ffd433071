// Certificate policy processing (RFC 5280 §6.1.2-6.1.5) with the inputs a TLS client
// or server uses: user-initial-policy-set = {anyPolicy}, initial-explicit-policy,
// initial-policy-mapping-inhibit and initial-any-policy-inhibit all false.
//
// Without policy mappings every node's expected_policy_set is {its own policy}, so the
// valid_policy_tree is fully described by the set of valid policies at its current depth
// (the simplification RFC 9618 also makes, which avoids the tree's exponential growth).
// The result only depends on policies if explicit_policy reaches 0, i.e. if a
// requireExplicitPolicy applies to the path; otherwise any path passes, as in §6.1.
//
// policyMappings is not implemented. A critical one already rejects its certificate
// (x509.ts); a non-critical one is ignored unless explicit policy applies, where
// ignoring it could accept a path §6.1 rejects (a mapping replaces the expected
// policy), so that path is refused as unsupported.

import type { Certificate } from './x509';

export const ANY_POLICY = '2.5.29.32.0';

export interface PolicyFailure {
  /** true: the path needs processing we do not do (policy mappings). */
  unsupported: boolean;
  message: string;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const selfIssued = (c: Certificate) => sameBytes(c.subject, c.issuer);

/** `path`: the certificates below the trust anchor, leaf first (as verify.ts builds it). */
export function checkPolicies(path: Certificate[]): PolicyFailure | null {
  const n = path.length;
  if (n === 0) return null;
  let explicit = n + 1;
  let inhibitAny = n + 1;
  /** The valid policies at the current depth; null = the valid_policy_tree is NULL. */
  let valid: Set<string> | null = new Set([ANY_POLICY]);
  let lost = ''; // which certificate emptied the tree, for the message
  for (let i = 1; i <= n; i++) {
    const c = path[n - i]; // certificate i of the path, counted from the anchor
    const last = i === n;
    // §6.1.3 (d), (e): the next depth of the tree.
    if (valid && c.policies) {
      const anyUsable = c.policies.includes(ANY_POLICY) && (inhibitAny > 0 || (!last && selfIssued(c)));
      const next = new Set<string>();
      for (const p of c.policies) if (p !== ANY_POLICY && (valid.has(p) || valid.has(ANY_POLICY))) next.add(p);
      if (anyUsable) for (const v of valid) next.add(v);
      if (next.size === 0) lost = `no policy of "${c.commonName ?? 'certificate'}" (${c.policies.join(', ')}) continues the policies valid above it (${[...valid].join(', ')})`;
      valid = next.size ? next : null;
    } else if (valid) {
      valid = null;
      lost = `"${c.commonName ?? 'certificate'}" has no certificatePolicies`;
    }
    // §6.1.3 (f) needs no check per certificate: explicit_policy never rises and a NULL
    // tree stays NULL, so the check after the last certificate (§6.1.5 (g)) decides alike.
    if (!last) {
      // §6.1.4 (h), (i), (j)
      if (!selfIssued(c)) {
        if (explicit > 0) explicit--;
        if (inhibitAny > 0) inhibitAny--;
      }
      if (c.requireExplicitPolicy !== undefined && c.requireExplicitPolicy < explicit) explicit = c.requireExplicitPolicy;
      if (c.inhibitAnyPolicy !== undefined && c.inhibitAnyPolicy < inhibitAny) inhibitAny = c.inhibitAnyPolicy;
    } else {
      // §6.1.5 (a), (b)
      if (explicit > 0) explicit--;
      if (c.requireExplicitPolicy === 0) explicit = 0;
    }
  }
  if (explicit > 0) return null; // §6.1.5 (g): the tree does not decide
  if (path.some((c) => c.hasPolicyMappings)) {
    return { unsupported: true, message: 'the path requires an explicit certificate policy and uses policyMappings, which we do not process' };
  }
  return valid ? null : noPolicy(lost);
}

function noPolicy(lost: string): PolicyFailure {
  return { unsupported: false, message: `the path requires an explicit certificate policy (policyConstraints requireExplicitPolicy) and has none valid: ${lost}` };
}
