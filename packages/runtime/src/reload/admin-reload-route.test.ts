import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '@socle/api';
import { mountAdminReload } from './admin-reload-route.ts';
import type { ReloadResult } from './rule-set-reloader.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const APPLIED: ReloadResult = { status: 'applied', trigger: 'admin', loaded: 2, rejections: [], state: { kept: ['a'], reset: [], added: ['b'], removed: [] } };

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(tokens?: MemoryTokenStore): Promise<{ url: string; reloads: () => number }> {
  let reloads = 0;
  server = createServer((_req, res) => res.end('alert api'));
  mountAdminReload(server, { tokens, now: () => NOW, reload: async () => (reloads++, APPLIED) });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reloads: () => reloads };
}

function token(tokens: MemoryTokenStore, role: 'admin' | 'analyst'): string {
  return tokens.create({ layer: 2, organizations: ['acme'], role, expiresAt: new Date(NOW + 3_600_000).toISOString(), createdBy: 'test' }, NOW).token;
}

describe('POST /admin/reload', () => {
  it('without a token store, answers a local caller with the reload result; other paths reach the API', async () => {
    const { url, reloads } = await serve();
    const res = await fetch(`${url}/admin/reload`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(APPLIED);
    expect(reloads()).toBe(1);
    expect(await (await fetch(`${url}/alerts`)).text()).toBe('alert api');
  });

  it('with a token store, only an admin token reloads', async () => {
    const tokens = new MemoryTokenStore();
    const { url, reloads } = await serve(tokens);
    const post = (authorization?: string) => fetch(`${url}/admin/reload`, { method: 'POST', headers: authorization ? { authorization } : {} });

    expect((await post()).status).toBe(401);
    const analyst = await post(`Bearer ${token(tokens, 'analyst')}`);
    expect(analyst.status).toBe(403);
    expect(((await analyst.json()) as { error: string }).error).toMatch(/admin token/);
    expect(reloads()).toBe(0);

    const admin = await post(`Bearer ${token(tokens, 'admin')}`);
    expect(admin.status).toBe(200);
    expect(reloads()).toBe(1);
  });

  it('a refused reload answers 422 with the rejections', async () => {
    const refused: ReloadResult = { status: 'refused', trigger: 'admin', loaded: 2, reason: '1 rule(s) of the new set are rejected', rejections: [{ file: 'x.yml', reason: 'bad', new: true }] };
    server = createServer((_req, res) => res.end());
    mountAdminReload(server, { reload: async () => refused });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/reload`, { method: 'POST' });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual(refused);
  });
});
