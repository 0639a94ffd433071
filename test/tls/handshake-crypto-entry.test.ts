// The Node entry selects node:crypto for the handshake; the portable surface alone (what
// the browser entry builds on) keeps @noble/curves.
import { handshakeCrypto } from '../../host/tls/handshake-crypto';
import { portableHandshakeCrypto } from '../../host/tls/handshake-portable';

test('portable by default, node:crypto once the Node entry is loaded', async () => {
  expect(handshakeCrypto()).toBe(portableHandshakeCrypto);
  const entry = await import('../../host/index');
  expect(handshakeCrypto()).toBe(entry.nodeHandshakeCrypto);
  expect(handshakeCrypto().name).toMatch(/^node:crypto/);
});
