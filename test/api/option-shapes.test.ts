// Plain options (flags, choices, callbacks, sizes) are type-checked where they are handed
// over (host/api/option-shapes.ts): a string where a boolean belongs used to be truthy —
// `dangerouslySkipCertificateVerification: 'false'` turned verification off — and other
// mistakes were ignored or failed inside a handshake.

import { connect, listen } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { QuicArgumentError } from '../../host/errors';
import { checkOptionShapes } from '../../host/api/option-shapes';
import { makeSim, connectSim, cert } from '../transport/sim';

const invalid = (message: RegExp) => expect.objectContaining({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(message) });

test("dangerouslySkipCertificateVerification: 'false' (a string, e.g. from the environment) is refused, not taken as true", async () => {
  const other = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['x'], certificate: other });
  try {
    await expect(connect({ address: '127.0.0.1', port: server.address.port, alpn: ['x'], serverName: 'localhost', dangerouslySkipCertificateVerification: 'false' as never }))
      .rejects.toEqual(invalid(/dangerouslySkipCertificateVerification must be true or false, not the string "false"/));
    // The same through the portable factory.
    const sim = makeSim();
    expect(() => sim.client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: 'false' as never })).toThrow(invalid(/must be true or false/));
  } finally {
    await server.close();
  }
});

test('listen() and connect() name the option and what was passed, before binding', async () => {
  const base = { port: 0, alpn: ['x'], certificate: cert };
  await expect(listen({ ...base, keyLog: 'keys.txt' as never })).rejects.toEqual(invalid(/keyLog must be a function, not the string "keys.txt"/));
  await expect(listen({ ...base, udp: 'quic' as never })).rejects.toEqual(invalid(/udp must be one of 'auto', 'node:dgram', 'deno', not the string "quic"/));
  await expect(listen({ ...base, socketBufferSize: 'big' as never })).rejects.toEqual(invalid(/socketBufferSize must be a positive integer/));
  await expect(listen({ ...base, socketBufferSize: -1 })).rejects.toEqual(invalid(/socketBufferSize must be a positive integer, not number -1/));
  await expect(listen({ ...base, sessionTickets: 'yes' as never })).rejects.toEqual(invalid(/sessionTickets must be true, false or a SessionTicketIssuer/));
  await expect(listen({ ...base, qlogFormat: 'json' as never })).rejects.toEqual(invalid(/qlogFormat must be one of 'ietf', 'qvis'/));
  const c = { address: '127.0.0.1', port: 9, alpn: ['x'], timeoutMs: 2000 };
  await expect(connect({ ...c, earlyData: 'yes' as never })).rejects.toEqual(invalid(/earlyData must be true or false/));
  await expect(connect({ ...c, ignorePreferredAddress: 1 as never })).rejects.toEqual(invalid(/ignorePreferredAddress must be true or false, not number 1/));
  await expect(connect({ ...c, session: { ticket: 1 } as never })).rejects.toEqual(invalid(/session must be what a connection's sessionTicket resolved to.*not a session ticket/));
});

test('a localAddress of the other IP family fails at once instead of timing out', async () => {
  // The argument error, not the QuicTimeoutError these attempts ended in before.
  await expect(connect({ address: '127.0.0.1', port: 9, alpn: ['x'], localAddress: '::1', timeoutMs: 5000 })).rejects.toEqual(invalid(/localAddress ::1 is IPv6 but the server 127\.0\.0\.1 is IPv4/));
  await expect(connect({ address: '::1', port: 9, alpn: ['x'], localAddress: '0.0.0.0', timeoutMs: 5000 })).rejects.toEqual(invalid(/is IPv4 but the server ::1 is IPv6/));
});

test("openStream() and sendDatagram() check their options' types; a refused openStream opens nothing", async () => {
  const sim = makeSim({ client: { datagrams: {} }, server: { datagrams: {} } });
  const pair = (await connectSim(sim))!;
  expect(() => pair.client.openStream({ unidirectional: 'no' } as never)).toThrow(invalid(/openStream\(\): unidirectional must be true or false, not the string "no"/));
  expect(() => pair.client.openStream('x' as never)).toThrow(invalid(/openStream\(\): options must be an object/));
  expect(pair.client.openStream().id).toBe(0); // nothing was opened by the refused calls
  expect(() => pair.client.sendDatagram('d', { track: 'yes' } as never)).toThrow(invalid(/sendDatagram\(\): track must be true or false/));
});

test('checkOptionShapes: each shape, and undefined left alone', () => {
  const shapes = { b: 'boolean', f: 'function', o: 'object', n: 'positive-integer', e: ['x', 'y'] } as const;
  expect(() => checkOptionShapes({ b: false, f: () => 0, o: {}, n: 1, e: 'y', other: 'anything' }, shapes)).not.toThrow();
  expect(() => checkOptionShapes({}, shapes)).not.toThrow();
  for (const [key, bad] of [['b', 0], ['b', 'false'], ['f', {}], ['o', null], ['n', 1.5], ['n', 0], ['n', '1'], ['e', 'z']] as const) {
    expect(() => checkOptionShapes({ [key]: bad }, shapes, 'x.')).toThrow(QuicArgumentError);
    expect(() => checkOptionShapes({ [key]: bad }, shapes, 'x.')).toThrow(new RegExp(`^x\\.${key} must be `));
  }
});
