/**
 * No request, however malformed, stops the TAXII server: fast-check draws raw request lines (methods, targets with
 * bad percent-encoding, `//`, absolute-form, huge paths, NULs) and headers (bad or duplicate Authorization, Accept,
 * Content-Type, Host), sends them over a raw node:net socket, and checks each answer is a well-formed 2xx/4xx
 * response and that the server still answers a good request afterwards.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaxiiFixture, type TaxiiFixture } from './taxii-fixture.ts';

let fx: TaxiiFixture;
beforeAll(async () => {
  fx = await startTaxiiFixture();
});
afterAll(async () => {
  await fx?.close();
});

/**
 * Sends raw bytes and resolves with everything the server wrote before closing the connection (every request says
 * `Connection: close`). The client does not half-close, as an HTTP client waiting for its answer does not.
 */
function exchange(port: number, raw: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`no answer within 10 s to ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`));
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => resolve(Buffer.concat(chunks)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(raw);
  });
}

function statusOf(response: Buffer): { status: number; headers: Record<string, string>; body: string } {
  // An `Expect: 100-continue` request first gets the interim `100 Continue` (RFC 9110 15.2), then its answer.
  const text = response.toString('latin1').replace(/^(HTTP\/1\.[01] 1\d\d [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, '');
  const end = text.indexOf('\r\n\r\n');
  expect(end, `no header block in ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0);
  const [line, ...headerLines] = text.slice(0, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*$/.exec(line!);
  expect(match, `bad status line ${JSON.stringify(line)}`).not.toBeNull();
  const headers: Record<string, string> = {};
  for (const h of headerLines) {
    const colon = h.indexOf(':');
    expect(colon, `bad header line ${JSON.stringify(h)}`).toBeGreaterThan(0);
    headers[h.slice(0, colon).toLowerCase()] = h.slice(colon + 1).trim();
  }
  return { status: Number(match![1]), headers, body: text.slice(end + 4) };
}

const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'get', 'G\u0000T', 'FOO', ''),
  fc.string({ maxLength: 12 }),
);

const pathPart = fc.oneof(
  fc.constantFrom('taxii2', 'socle', 'collections', 'acme', 'south', 'objects', 'manifest', 'versions', 'status', '..', '.', ''),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '%2F', '%FF%FE', '%C0%AF', 'indicator--00000000-0000-4000-8000-000000000001'),
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?limit=abc', '?limit=-1', '?limit=99999999999999999999', '?next=%%%', '?next=AAAA', '?added_after=%E0', '?match[id]=,,,', '?match[version]=all&match[type]=indicator'),
  fc.string({ maxLength: 24 }).map((s) => `?${s}`),
);

const target = fc.oneof(
  fc.tuple(fc.array(pathPart, { maxLength: 7 }), query).map(([parts, q]) => `/${parts.join('/')}/${q}`),
  fc.constantFrom('//', '//taxii2/', '///socle//collections//', '*', 'http://evil.example/taxii2/', 'https://x/socle/collections/acme/objects/', 'http://', 'ftp://x/', '/\u0000/', '/socle/collections/acme/objects/%E0%A4%A/'),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => `/${'a'.repeat(n)}/`),
  fc.string({ maxLength: 40 }),
);

const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', '', 'http/1.1');

type HeaderChoice = (tokens: string[]) => [string, string][];
const headerChoice: fc.Arbitrary<HeaderChoice> = fc.oneof(
  fc.constantFrom<HeaderChoice>(
    (t) => [['Authorization', `Bearer ${t[0]}`]],
    (t) => [['Authorization', `Bearer ${t[0]}`], ['Authorization', `Bearer ${t[1]}`]],
    () => [['Authorization', 'Bearer socle_0123456789abcdef_' + '0'.repeat(64)]],
    () => [['Authorization', 'Basic dXNlcjpwYXNz']],
    () => [['Authorization', '']],
    () => [['Authorization', 'Bearer ' + 'x'.repeat(4000)]],
    () => [['Accept', 'application/taxii+json;version=2.1']],
    () => [['Accept', 'application/taxii+json;version=2.1'], ['Accept', 'text/html']],
    () => [['Accept', ';;;,,,=']],
    () => [['Content-Type', 'application/taxii+json;version=2.1']],
    () => [['Content-Type', 'application/json'], ['Content-Type', 'application/taxii+json;version=2.1']],
    () => [['Host', 'taxii.example']],
    () => [['Host', 'a'], ['Host', 'b']],
    () => [['Host', '']],
    () => [['Content-Length', 'abc']],
    () => [['Content-Length', '5'], ['Content-Length', '6']],
    () => [['Transfer-Encoding', 'chunked'], ['Content-Length', '3']],
    () => [['Expect', '100-continue']],
    () => [['Expect', 'teapot']],
    () => [['Upgrade', 'websocket'], ['Connection', 'Upgrade']],
    () => [['X-Nul', 'a\u0000b']],
    () => [['Bad Header', 'x']],
    () => [['Folded', 'a\r\n b']],
  ),
  fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })).map(([n, v]): HeaderChoice => () => [[n, v]]),
);

const body = fc.oneof(fc.constant(''), fc.constantFrom('{', '{"objects":[]}', '{"objects":[1,"x",null,{"type":"indicator"}]}', 'null', '[]'), fc.string({ maxLength: 64 }));

describe('the TAXII server under raw, malformed HTTP', () => {
  it('answers every request with a well-formed 2xx or 4xx and keeps serving', async () => {
    const port = Number(new URL(fx.url).port);
    const tokens = [fx.principals['soc-acme']!.token, fx.principals['national']!.token];
    await fc.assert(
      fc.asyncProperty(method, target, version, fc.array(headerChoice, { maxLength: 5 }), fc.boolean(), body, async (m, t, v, headerChoices, withHost, payload) => {
        const headers = headerChoices.flatMap((h) => h(tokens));
        const lines = [`${m} ${t} ${v}`.trimEnd()];
        if (withHost) lines.push('Host: 127.0.0.1');
        for (const [name, value] of headers) lines.push(`${name}: ${value}`);
        const declaresLength = headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n));
        if (payload && !declaresLength) lines.push(`Content-Length: ${Buffer.byteLength(payload)}`);
        lines.push('Connection: close');
        const raw = Buffer.from(`${lines.join('\r\n')}\r\n\r\n${declaresLength ? '' : payload}`, 'utf8');
        const answer = await exchange(port, raw);
        {
          const { status } = statusOf(answer);
          expect(status >= 200 && status < 500 && !(status >= 300 && status < 400), `status ${status} for ${JSON.stringify(raw.toString('latin1').slice(0, 300))}`).toBe(true);
        }
        const good = await fetch(`${fx.root}/collections/`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: `Bearer ${tokens[0]}` } });
        expect(good.status).toBe(200);
      }),
      { numRuns: 300 },
    );
  });
});
