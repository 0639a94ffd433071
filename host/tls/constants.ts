// TLS 1.3 code points used by the engine (RFC 9846 §4, RFC 9001 §8.2).

export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

export const Ext = {
  server_name: 0x0000,
  supported_groups: 0x000a,
  signature_algorithms: 0x000d,
  alpn: 0x0010,
  pre_shared_key: 0x0029,
  early_data: 0x002a,
  supported_versions: 0x002b,
  cookie: 0x002c,
  psk_key_exchange_modes: 0x002d,
  key_share: 0x0033,
  quic_transport_parameters: 0x0039,
} as const;

/**
 * Key exchange groups (RFC 9846 §4.2.7). No x448 or X25519MLKEM768: handshake-crypto.ts
 * says why.
 */
export const Group = { x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 } as const;
export type GroupName = keyof typeof Group;

/**
 * Groups offered and accepted by default, preferred first. A client sends a key share for
 * the first only (x25519: the fastest, and what nearly every peer supports); a server
 * that picks another answers with a HelloRetryRequest. P-384 is accepted for peers that
 * offer nothing else.
 */
export const DEFAULT_GROUPS: readonly GroupName[] = ['x25519', 'secp256r1', 'secp384r1'];

export const TLS13 = 0x0304;

/** ServerHello.random of a HelloRetryRequest (§4.1.3). */
export const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);
