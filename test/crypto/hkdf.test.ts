import { hkdfExtract, hkdfExpandLabel } from '../../host/crypto/hkdf';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// RFC 9001 Appendix A.1: keys derived from the client's DCID 0x8394c8f03e515708.
test('RFC 9001 A.1 initial secrets through HKDF-Extract and HKDF-Expand-Label', () => {
  const salt = hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
  const initial = hkdfExtract('sha256', salt, hex('8394c8f03e515708'));
  expect(toHex(initial)).toBe('7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44');
  const client = hkdfExpandLabel('sha256', initial, 'client in', new Uint8Array(0), 32);
  expect(toHex(client)).toBe('c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic key', new Uint8Array(0), 16))).toBe('1f369613dd76d5467730efcbe3b1a22d');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic iv', new Uint8Array(0), 12))).toBe('fa044b2f42a3fd3b46fb255c');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic hp', new Uint8Array(0), 16))).toBe('9f50449e04a0e810283a1e9933adedd2');
});
