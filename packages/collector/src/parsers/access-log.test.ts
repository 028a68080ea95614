import { describe, expect, it } from 'vitest';
import { getField } from './ecs.ts';
import { parseRecord } from './index.ts';
import { parseSamples, rejectSamples, testContext } from './test-samples.ts';

describe('nginx access log', () => {
  const [combined, ipv6, tlsProbe, noRequest, proxy] = parseSamples('nginx', 'nginx.log');

  it('maps the combined format to ECS http/url/source fields', () => {
    expect(combined('event.dataset')).toBe('nginx.access');
    expect(combined('event.category')).toEqual(['web']);
    expect(combined('source.ip')).toBe('192.168.33.1');
    expect(combined('http.request.method')).toBe('GET');
    expect(combined('url.original')).toBe('/favicon.ico');
    expect(combined('http.response.status_code')).toBe(404);
    expect(combined('event.outcome')).toBe('failure');
    expect(combined('http.response.body.bytes')).toBe(555);
    expect(combined('http.request.referrer')).toBe('http://192.168.33.10/');
    expect(combined('user_agent.original')).toMatch(/^Mozilla\/5\.0 \(Macintosh/);
    expect(combined('@timestamp')).toBe('2019-10-15T19:41:46.000Z');
  });

  it('splits path and query, applies the zone offset, reads IPv6 clients and users', () => {
    expect(ipv6('source.ip')).toBe('2001:db8::1');
    expect(ipv6('user.name')).toBe('admin');
    expect(ipv6('url.path')).toBe('/wp-login.php');
    expect(ipv6('url.query')).toBe('redirect_to=%2Fadmin');
    expect(ipv6('http.version')).toBe('2.0');
    expect(ipv6('@timestamp')).toBe('2024-02-02T07:00:00.000Z');
    expect(ipv6('http.request.referrer')).toBeUndefined();
    expect(proxy('url.domain')).toBe('example.com');
    expect(proxy('url.path')).toBe('/proxy');
  });

  it('keeps probes that are not HTTP requests without inventing a method', () => {
    expect(tlsProbe('http.request.method')).toBeUndefined();
    expect(tlsProbe('nginx.access.request')).toBe('\\x16\\x03\\x01\\x00\\xee\\x01\\x00\\x00');
    expect(tlsProbe('http.response.status_code')).toBe(400);
    expect(noRequest('url.original')).toBeUndefined();
    expect(noRequest('http.response.status_code')).toBe(408);
  });

  it('rejects broken lines naming the column', () => {
    const errors = rejectSamples('nginx', 'nginx-malformed.log');
    expect(errors[0]).toBe("nginx: expected '[' opening the time (e.g. [10/Oct/2000:13:55:36 -0700]) at column 18, found '1'");
    expect(errors[1]).toBe("nginx: expected a 3-digit status code at column 64, found 'O'");
    expect(errors[2]).toContain('expected a time like 10/Oct/2000:13:55:36 -0700');
    expect(errors[3]).toContain(`expected '"' closing the request line`);
  });
});

describe('apache access log', () => {
  const [common, combined, hostname, escaped, deleted] = parseSamples('apache', 'apache.log');

  it('reads the Apache documentation examples', () => {
    expect(common('event.dataset')).toBe('apache.access');
    expect(common('user.name')).toBe('frank');
    expect(common('@timestamp')).toBe('2000-10-10T20:55:36.000Z');
    expect(common('http.response.body.bytes')).toBe(2326);
    expect(common('user_agent.original')).toBeUndefined();
    expect(combined('user_agent.original')).toBe('Mozilla/4.08 [en] (Win98; I ;Nav)');
    expect(combined('http.request.referrer')).toBe('http://www.example.com/start.html');
  });

  it('handles host names, missing sizes, escaped quotes and error statuses', () => {
    expect(hostname('source.ip')).toBeUndefined();
    expect(hostname('source.domain')).toBe('www.example.org');
    expect(hostname('http.response.body.bytes')).toBeUndefined();
    expect(escaped('user_agent.original')).toBe('Mozilla/5.0 "evil"');
    expect(escaped('event.outcome')).toBe('failure');
    expect(deleted('http.request.method')).toBe('DELETE');
    expect(deleted('http.response.status_code')).toBe(401);
  });

  it('reads access lines relayed through syslog by program name', () => {
    const result = parseRecord('syslog', '<150>Mar 16 09:00:00 web1 apache2: 192.0.2.5 - - [16/Mar/2024:09:00:00 +0000] "GET / HTTP/1.1" 200 10', testContext());
    expect(result.ok && getField(result.event, 'event.dataset')).toBe('apache.access');
    expect(result.ok && getField(result.event, 'host.hostname')).toBe('web1');
  });

  it('rejects broken lines', () => {
    const errors = rejectSamples('apache', 'apache-malformed.log');
    expect(errors[0]).toBe('apache: expected a space after the status code at column 81, found end of input');
    expect(errors[1]).toContain('expected a time like');
    expect(errors[2]).toBe('apache: expected a space after the client address at column 10, found end of input');
    expect(errors[3]).toBe(`apache: expected '"' closing the referrer at column 92, found end of input`);
  });
});
