// The Retry integrity tag (RFC 9001 §5.8; v2: RFC 9369 §3.3.3): AES-128-GCM under a
// published key over the Retry pseudo-packet. The core has no AES, and a Retry is rare
// (one per connection attempt at most), so the host computes the tag
// (host/crypto/retry.ts) through this import; the comparison stays here.

/**
 * Writes the 16-byte tag of the Retry at [pkt, pkt+len) (without its tag), answering a
 * client whose first DCID is [odcid, +odcidLen), at out. 0, or -1 when the version has
 * no Retry key.
 */
// @ts-ignore: decorator
@external("host", "retryTag")
export declare function hostRetryTag(version: u32, odcid: usize, odcidLen: i32, pkt: usize, len: i32, out: usize): i32;

const want: usize = memory.data(16, 16);

/** True when the Retry at [p, p+len) ends with the right tag for `odcid` (compared in constant time). */
export function retryTagValid(version: u32, odcid: usize, odcidLen: i32, p: usize, len: i32): bool {
  if (len < 16) return false;
  if (hostRetryTag(version, odcid, odcidLen, p, len - 16, want) != 0) return false;
  const diff = v128.xor(v128.load(want), v128.load(p + <usize>(len - 16)));
  return !v128.any_true(diff);
}
