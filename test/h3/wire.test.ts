// Our HTTP/3 server driven by a hand-written peer over real QUIC: the QPACK dynamic
// table over the wire (blocked streams, Section Acknowledgment), extension points
// (unknown stream and frame types, grease settings) and the connection errors of
// RFC 9114 §8 / RFC 9204 §6 with their codes.
import { connect } from '../../host/node';
import { generateSelfSigned } from '../../host/portable';
import { serveH3, type H3Server, H3ErrorCode } from '../../host/h3/index';
import type { QuicConnection } from '../../host/transport/connection';
import { fromHex } from '../helpers/hex';

const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
let server: H3Server;

beforeAll(async () => {
  server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert, h3: { maxBlockedStreams: 1 } }, (req) => {
    const u = new URL(req.url);
    return new Response(`${req.method} ${u.host}${u.pathname} ${req.headers.get('custom-key') ?? ''}`);
  });
});
afterAll(async () => { await server.close(); });

async function peer(): Promise<QuicConnection> {
  return connect({ address: '127.0.0.1', port: server.address.port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
}
async function control(c: QuicConnection, hex = '000403' + '4021' + '00') {
  // type 0x00, SETTINGS (0x04) of 3 bytes: id 0x21 (2-byte varint 0x4021), value 0.
  const s = c.openStream({ unidirectional: true });
  await s.write(fromHex(hex));
  return s;
}
const frame = (type: number, payloadHex: string) => {
  const len = payloadHex.length / 2;
  return fromHex(type.toString(16).padStart(2, '0') + len.toString(16).padStart(2, '0') + payloadHex);
};
const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** DATA payloads of a response stream (frames must be small here: 1-byte lengths). */
function dataOf(b: Uint8Array): string {
  let at = 0, out = '';
  while (at < b.length) {
    const type = b[at], len = b[at + 1];
    if (type === 0) out += text(b.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}
async function closeCode(c: QuicConnection): Promise<number> {
  let t: NodeJS.Timeout | undefined;
  try {
    const info = await Promise.race([c.closed, new Promise<never>((_, r) => { t = setTimeout(() => r(new Error('connection not closed')), 5000); })]);
    return info.code;
  } finally {
    clearTimeout(t);
  }
}

test('dynamic table over the wire: a blocked request resumes when the inserts arrive; Section Acknowledgment sent', async () => {
  const c = await peer();
  await control(c);
  const decoderStreamBytes: number[] = [];
  void (async () => {
    for (;;) {
      const s = await c.acceptStream().catch(() => null);
      if (!s) return;
      void (async () => { for await (const chunk of s) if (chunk[0] === 0x03 || decoderStreamBytes.length) decoderStreamBytes.push(...chunk); })().catch(() => undefined);
    }
  })();
  // RFC 9204 B.2's inserts: :authority=www.example.com, :path=/sample/path. The server's
  // table capacity is 4096, so MaxEntries = 128 and Required Insert Count 2 encodes as 3.
  const req = c.openStream();
  await req.end(frame(1, '0381' + 'd1' + 'd7' + '10' + '11'));
  await new Promise((r) => setTimeout(r, 200)); // the request is blocked now
  const enc = c.openStream({ unidirectional: true });
  await enc.write(fromHex('02' + '3fbd01' + 'c00f7777772e6578616d706c652e636f6d' + 'c10c2f73616d706c652f70617468'));
  const body = await req.readAll();
  expect(dataOf(body)).toBe('GET www.example.com/sample/path ');
  await new Promise((r) => setTimeout(r, 100));
  expect(decoderStreamBytes[0]).toBe(0x03);
  expect(decoderStreamBytes.slice(1)).toContain(0x80); // Section Acknowledgment, stream 0
  await c.close(0);
});

test('unknown (grease) stream type, unknown frame before HEADERS: ignored, the request succeeds', async () => {
  const c = await peer();
  await control(c);
  const odd = c.openStream({ unidirectional: true });
  await odd.write(fromHex('4021' + 'deadbeef')); // stream type 0x21 (reserved)
  const req = c.openStream();
  // frame type 0x21 (reserved, 2-byte varint) with 2 bytes, then HEADERS: GET https :authority=localhost :path=/x
  await req.end(new Uint8Array([...fromHex('4021' + '02' + 'abcd'), ...frame(1, '0000d1d7' + '50096c6f63616c686f7374' + '51022f78')]));
  expect(dataOf(await req.readAll())).toBe('GET localhost/x ');
  await c.close(0);
});

test.each([
  ['DATA before HEADERS on a request stream', H3ErrorCode.H3_FRAME_UNEXPECTED, async (c: QuicConnection) => {
    await control(c);
    await c.openStream().end(frame(0, '6869'));
  }],
  ['the control stream starts without SETTINGS', H3ErrorCode.H3_MISSING_SETTINGS, async (c: QuicConnection) => {
    await control(c, '00' + '0701' + '00'); // GOAWAY first
  }],
  ['a second control stream', H3ErrorCode.H3_STREAM_CREATION_ERROR, async (c: QuicConnection) => {
    await control(c);
    await control(c);
  }],
  ['an HTTP/2 setting in SETTINGS', H3ErrorCode.H3_SETTINGS_ERROR, async (c: QuicConnection) => {
    await control(c, '00040202' + '00'); // SETTINGS { 0x02 (HTTP/2 ENABLE_PUSH) : 0 }
  }],
  ['the control stream closed', H3ErrorCode.H3_CLOSED_CRITICAL_STREAM, async (c: QuicConnection) => {
    const s = await control(c);
    await s.end();
  }],
  ['a reference past the dynamic table', H3ErrorCode.QPACK_DECOMPRESSION_FAILED, async (c: QuicConnection) => {
    await control(c);
    await c.openStream().end(frame(1, '0000' + '80')); // dynamic index with Required Insert Count 0
  }],
  ['more blocked streams than advertised (1)', H3ErrorCode.QPACK_DECOMPRESSION_FAILED, async (c: QuicConnection) => {
    await control(c);
    await c.openStream().end(frame(1, '0381d1d71011'));
    await new Promise((r) => setTimeout(r, 100));
    await c.openStream().end(frame(1, '0381d1d71011'));
  }],
  ['an encoder stream over the table capacity', H3ErrorCode.QPACK_ENCODER_STREAM_ERROR, async (c: QuicConnection) => {
    await control(c);
    await c.openStream({ unidirectional: true }).write(fromHex('02' + '3fe21f')); // Set Dynamic Table Capacity 4099 > 4096
  }],
])('%s → connection error code %d', async (_name, code, act) => {
  const c = await peer();
  await act(c);
  expect((await closeCode(c)).toString(16)).toBe(code.toString(16));
});

test('client: a malformed response fails only its request (H3_MESSAGE_ERROR); a DATA-first response ends the connection', async () => {
  const { listen } = await import('../../host/node');
  const { H3Client } = await import('../../host/h3/index');
  const raw = await listen({ address: '127.0.0.1', port: 0, alpn: ['h3'], certificate: cert });
  void (async () => {
    for await (const conn of raw) {
      await control(conn);
      let n = 0;
      for (;;) {
        const s = await conn.acceptStream().catch(() => null);
        if (!s) break;
        if (s.unidirectional) { void s.readAll().catch(() => undefined); continue; }
        const k = n++;
        void s.readAll().then(async () => {
          if (k === 0) await s.end(frame(1, '0000' + '5f09' + '03616263')); // :status "abc"
          else if (k === 1) await s.end(new Uint8Array([...frame(1, '0000d9'), ...frame(0, '6f6b')])); // 200 "ok"
          else await s.end(frame(0, '6f6b')); // DATA first
        }).catch(() => undefined);
      }
    }
  })();
  const origin = `https://localhost:${raw.address.port}`;
  const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [cert.chain[0]] });
  await expect(c.fetch(`${origin}/a`)).rejects.toMatchObject({ code: 'ERR_H3_MESSAGE_ERROR' });
  expect(await (await c.fetch(`${origin}/b`)).text()).toBe('ok');
  await expect(c.fetch(`${origin}/c`)).rejects.toMatchObject({ code: 'ERR_H3_FRAME_UNEXPECTED' });
  expect((await closeCode(c.quic)).toString(16)).toBe(H3ErrorCode.H3_FRAME_UNEXPECTED.toString(16));
  await raw.close();
});
