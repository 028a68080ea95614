import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, hostRefusal, redactTarget, secretInQuery } from './request-guard.ts';

const TOKEN = `socle_0123456789abcdef_${'ab'.repeat(32)}`;
const policy = (listenHost: string, allowedHosts: string[] = []) => ({ listenHost, port: () => 9280, allowedHosts });
const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('Host header check (DNS rebinding)', () => {
  it('bound to loopback: loopback names and addresses on the bound port only', () => {
    for (const ok of ['127.0.0.1:9280', 'localhost:9280', 'LOCALHOST:9280', '[::1]:9280']) expect(hostRefusal(ok, policy('127.0.0.1')), ok).toBeUndefined();
    for (const bad of ['evil.example:9280', 'localhost.evil.example:9280', '127.0.0.1:80', '127.0.0.1', '10.0.0.1:9280', undefined, '', 'a b', '127.0.0.1:99999']) {
      expect(hostRefusal(bad, policy('127.0.0.1')), String(bad)).toBeDefined();
    }
  });

  it('bound to every interface: any address literal, localhost and the configured names', () => {
    const p = policy('0.0.0.0', ['socle.example.org', 'proxy.example.org:8443']);
    for (const ok of ['10.1.2.3:9280', '[2001:db8::1]:9280', 'localhost:9280', 'socle.example.org', 'socle.example.org:1234', 'proxy.example.org:8443']) expect(hostRefusal(ok, p), ok).toBeUndefined();
    for (const bad of ['rebind.evil.example:9280', 'proxy.example.org:9280', 'socle.example.org.evil:9280']) expect(hostRefusal(bad, p), bad).toBeDefined();
  });
});

describe('cross-site refusal of state-changing requests', () => {
  it('refuses a foreign or opaque Origin and cross-site fetch metadata; reads are never refused', () => {
    expect(crossSiteRefusal(req('POST', { host: 'localhost:9280', origin: 'https://evil.example' }))).toMatch(/Origin/);
    expect(crossSiteRefusal(req('POST', { host: 'localhost:9280', origin: 'null' }))).toMatch(/Origin/);
    expect(crossSiteRefusal(req('POST', { host: 'localhost:9280', 'sec-fetch-site': 'same-site' }))).toMatch(/Sec-Fetch-Site/);
    expect(crossSiteRefusal(req('POST', { host: 'localhost:9280', origin: 'http://localhost:9280', 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(crossSiteRefusal(req('POST', { host: 'localhost:9280' }))).toBeUndefined();
    expect(crossSiteRefusal(req('GET', { host: 'localhost:9280', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))).toBeUndefined();
  });
});

describe('credentials in the URL', () => {
  it('finds credential parameters and token text, encoded or not', () => {
    for (const target of [`/alerts?access_token=${TOKEN}`, '/alerts?access-token=x', '/alerts?API_KEY=x', '/alerts?token[]=x', `/alerts?q=${TOKEN}`, `/alerts/${encodeURIComponent(TOKEN)}`, `/alerts?q=${TOKEN.replace(/_/g, '%5F')}`]) {
      expect(secretInQuery(target), target).toBeDefined();
    }
    for (const target of ['/alerts?q=token', '/alerts?organization=org-a', '/alerts/socle_0123456789abcdef', '/healthz']) expect(secretInQuery(target), target).toBeUndefined();
  });

  it('redacts them from what is logged, keeping the rest', () => {
    expect(redactTarget(`/alerts?size=5&access_token=${TOKEN}&q=x`)).toBe('/alerts?size=5&access_token=[redacted]&q=x');
    expect(redactTarget(`/alerts/${TOKEN}/history`)).toBe('/alerts/socle_[redacted]/history');
    expect(redactTarget(`/alerts?q=${TOKEN.replace(/_/g, '%5F')}`)).not.toContain('abab');
  });
});
