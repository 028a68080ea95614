// Property: no request, however malformed, stops the server or gets a 500. Generated raw request lines (methods,
// targets with encodings, traversal, unicode and junk, HTTP versions) and headers (hosts, tokens, origins, content
// types, arbitrary names and values) are written on a socket to the API as both modes assemble it (startAccessApi),
// in token mode and in laptop mode; every answer is an HTTP status other than 500, and the server keeps serving.
import { createLogger } from '@socle/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTokenStore, startAccessApi, type RunningAccessApi } from '@socle/api';
import { buildAlert, memoryStore } from './access-fixtures.ts';
import type { ModelAlert } from './layer-model.ts';

const ALERTS: ModelAlert[] = [
  { id: 'a-1', org: 'org-a', shared: true, level: 'high', rule: 'brute', time: '2026-11-23T08:00:00Z' },
  { id: 'b-1', org: 'org-b', shared: false, level: 'low', rule: 'sudo', time: '2026-11-23T09:00:00Z' },
  { id: 'soc-1', org: 'soc', members: ['org-a', 'org-b'], shared: true, level: 'critical', rule: 'spray', time: '2026-11-23T10:00:00Z' },
];

let dir: string;
const servers: { name: string; api: RunningAccessApi; port: number; token?: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-http-front-'));
  const tokens = new FileTokenStore(join(dir, 'tokens.json'));
  const admin = tokens.create({ layer: 2, organizations: ['org-a', 'org-b'], role: 'admin', central: true, expiresAt: '2099-01-01T00:00:00Z', createdBy: 'fuzz' }).token;
  const adapters = (log: string[]) => ({
    store: memoryStore(ALERTS.map(buildAlert)),
    admin: { reloadRules: async () => ({ status: 'applied' }), sharingPolicies: async () => [{ organization: 'org-a', tlp: 'AMBER' }] },
    logger: createLogger({ format: 'text', write: (line) => log.push(line) }),
  });
  const withTokens = await startAccessApi({ listen: '127.0.0.1:0', tokens: tokens.path, audit: join(dir, 'audit.ndjson'), triage: join(dir, 'triage') }, adapters([]));
  const laptop = await startAccessApi({ listen: '127.0.0.1:0', audit: join(dir, 'laptop-audit.ndjson'), triage: join(dir, 'laptop-triage') }, adapters([]));
  for (const [name, api, token] of [['tokens', withTokens, admin], ['laptop', laptop, undefined]] as const) {
    servers.push({ name, api, port: Number(new URL(api.url).port), ...(token ? { token } : {}) });
  }
});

afterAll(async () => {
  for (const s of servers) await s.api.close();
  await rm(dir, { recursive: true, force: true });
});

function rawExchange(port: number, raw: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(out);
    };
    socket.setTimeout(5000, done);
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', done);
    socket.on('error', done);
    socket.on('close', done);
    socket.write(raw);
  });
}

const ROUTES = ['/alerts', '/alerts/_counts', '/alerts/_histogram', '/alerts/a-1', '/alerts/a-1/history', '/alerts/a-1/triage', '/admin/reload', '/admin/tokens', '/admin/tokens/0123456789abcdef/revoke', '/admin/sharing-policies', '/openapi.json', '/healthz', '/'];
const junk = fc.string({ unit: 'binary', maxLength: 40 });
// Characters a request target may carry (plus percent-encodings, bad ones included); raw junk comes from `junk`.
const urlish = fc.string({ unit: fc.constantFrom(...'abc/._-%?&=#;:[]{}\'~+*@!$'.split(''), '%2e', '%2f', '%00', '%ZZ', '%E0%A4%A', '%C3%A9', '..', 'organization=org-c', 'size=1000'), maxLength: 30 });

const target = fc.oneof(
  fc.constantFrom(...ROUTES),
  fc.constantFrom(...ROUTES),
  fc.tuple(fc.constantFrom(...ROUTES), urlish).map(([r, s]) => r + s),
  fc.tuple(fc.constantFrom(...ROUTES), fc.constantFrom('?size=1', '?by=organization', '?interval=1h', '?organization=org-c', '?q=a&q=b', '?access_token=socle_0123456789abcdef_00', '?__proto__[x]=1', '?cursor=%FF')).map(([r, q]) => r + q),
  urlish.map((s) => `/${s}`),
  fc.constantFrom('*', 'http://evil.example/alerts', '//alerts', '/alerts/' + 'x'.repeat(9000), ''),
  junk,
);
const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('TRACE', 'CONNECT', 'get', 'G ET'), fc.string({ maxLength: 8 })) },
);
const version = fc.oneof({ weight: 9, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', 'HTTPS/1.1', '') });
const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');

/** Headers the property must not generate: they change the framing (the server would rightly wait for more bytes). */
const FRAMING = /^(content-length|transfer-encoding|expect|connection|upgrade)$/i;

function headers(port: number, token: string | undefined): fc.Arbitrary<[string, string][]> {
  const host = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<[string, string][]>([['Host', `127.0.0.1:${port}`]], [['Host', `localhost:${port}`]]) },
    { weight: 2, arbitrary: fc.constantFrom<[string, string][]>([['Host', 'evil.example']], [['Host', '']], [['Host', `127.0.0.1:${port}, evil.example`]], [], [['Host', `127.0.0.1:${port}`], ['Host', 'evil.example']]) },
  );
  const valid = fc.tuple(fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 }), fc.string({ maxLength: 60 }).map((v) => v.replace(/[\r\n\u0000]/g, ' ')));
  const auth = fc.oneof(
    { weight: 3, arbitrary: fc.constant<[string, string][]>(token ? [['Authorization', `Bearer ${token}`]] : []) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
  );
  const named = fc.oneof(
    fc.constantFrom<[string, string]>(
      ['Authorization', token ? `Bearer ${token}` : 'Bearer none'],
      ['Authorization', 'Bearer socle_0123456789abcdef_' + '0'.repeat(64)],
      ['Authorization', 'Basic YTpi'],
      ['Authorization', `Bearer ${'a'.repeat(600)}`],
    ),
    fc.constantFrom<[string, string]>(['Origin', 'https://evil.example'], ['Origin', 'null'], ['Origin', `http://127.0.0.1:${port}`], ['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Site', 'same-origin']),
    fc.constantFrom<[string, string]>(['Content-Type', 'application/json'], ['Content-Type', 'text/plain'], ['Content-Type', 'application/json; charset=utf-7']),
    valid.filter(([n]) => !FRAMING.test(n)),
  );
  const junkHeader = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 60 })).filter(([n]) => !FRAMING.test(n.trim()));
  const rest = fc.oneof({ weight: 6, arbitrary: fc.array(named, { maxLength: 5 }) }, { weight: 1, arbitrary: fc.array(fc.oneof(named, junkHeader), { minLength: 1, maxLength: 5 }) });
  return fc.tuple(host, auth, rest).map(([h, a, r]) => [...h, ...a, ...r]);
}

const body = fc.oneof(fc.constant(''), fc.constant(''), fc.json({ maxDepth: 3 }), fc.constantFrom('{"status":"closed","note":"x"}', '{"layer":1,"organizations":["org-a"],"role":"analyst","expires":"1d"}', '{"__proto__":{"admin":true}}', '{'), fc.string({ unit: 'binary', maxLength: 100 }));

describe('the HTTP front never fails or stops on a malformed request', () => {
  it.each(['tokens', 'laptop'])('%s mode: generated raw requests get a 4xx or a success, never a 500, and the server keeps serving', async (name) => {
    const server = servers.find((s) => s.name === name)!;
    const request = fc.record({ method, target, version, headers: headers(server.port, server.token), body });
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const payload = Buffer.from(r.body, 'utf8');
        const head = `${r.method} ${r.target} ${r.version}\r\n${r.headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}${r.headers.length ? '\r\n' : ''}Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
        const answer = await rawExchange(server.port, Buffer.concat([Buffer.from(head, 'latin1'), payload]));
        const status = /^HTTP\/1\.[01] (\d{3}) /.exec(answer)?.[1];
        if (status === undefined) {
          // The only request a server may drop without an answer is one it cannot parse at all, and it must still serve.
          expect(answer, head.slice(0, 200)).toBe('');
        } else {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(Number(status), head.slice(0, 300)).not.toBe(500);
          expect(Number(status), head.slice(0, 300)).toBeLessThan(503);
        }
      }),
      { numRuns: 300 },
    );
    console.log(`${name}: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    const health = await fetch(`${server.api.url}/healthz`, { headers: server.token ? { authorization: `Bearer ${server.token}` } : {} });
    expect(health.status).toBe(200);
    expect([...statuses.keys()].some((s) => s.startsWith('4'))).toBe(true);
  });
});
