// What our ClientHello carries, parsed back with the server's decoder.
import { Level, SessionTicketIssuer, type TlsOutput } from '../../host/tls/engine';
import { Ext, HandshakeType } from '../../host/tls/constants';
import { parseClientHello } from '../../host/tls/messages';
import { parsePskModes, PskMode } from '../../host/tls/messages-resumption';
import { pair, run } from './helpers';

/** Every ClientHello the client sent, parsed. */
function clientHellos(outs: TlsOutput[]) {
  return outs.flatMap((o) => (o.type === 'handshake-data' && o.level === Level.Initial && o.data[0] === HandshakeType.client_hello ? [parseClientHello(o.data.subarray(4))] : []));
}

describe('ClientHello psk_key_exchange_modes (RFC 9846 §4.2.9)', () => {
  test('is in a ClientHello that offers no PSK, listing psk_dhe_ke only, with no pre_shared_key', () => {
    const { client } = pair();
    client.start();
    const [ch] = clientHellos(client.drain());
    expect(ch.extensions.has(Ext.pre_shared_key)).toBe(false);
    const modes = ch.extensions.get(Ext.psk_key_exchange_modes);
    expect(modes).toBeDefined();
    expect(parsePskModes(modes!)).toEqual([PskMode.psk_dhe_ke]);
  });

  test('is in the second ClientHello after HelloRetryRequest too', () => {
    const { client, server } = pair({ clientGroups: ['x25519', 'secp256r1'], serverGroups: ['secp256r1'] });
    const hellos = clientHellos(run(client, server).client);
    expect(hellos).toHaveLength(2);
    for (const ch of hellos) expect(parsePskModes(ch.extensions.get(Ext.psk_key_exchange_modes)!)).toEqual([PskMode.psk_dhe_ke]);
  });

  test('with a ticket offered: once, and pre_shared_key stays the last extension', () => {
    const server = { sessionTickets: new SessionTicketIssuer({}) };
    const first = pair({ server });
    const ticket = run(first.client, first.server).client.flatMap((o) => (o.type === 'session-ticket' ? [o.ticket] : []))[0];
    const second = pair({ server, client: { session: ticket } });
    second.client.start();
    const [ch] = clientHellos(second.client.drain());
    expect(ch.lastExtension).toBe(Ext.pre_shared_key);
    expect(parsePskModes(ch.extensions.get(Ext.psk_key_exchange_modes)!)).toEqual([PskMode.psk_dhe_ke]);
  });
});
