import { describe, expect, it } from 'vitest';
import { parseSamples, rejectSamples } from './test-samples.ts';

describe('generic JSON', () => {
  const [ecs, timeField, epochSeconds, epochMillis, spoof] = parseSamples('json', 'json.log');

  it('keeps the document and its @timestamp', () => {
    expect(ecs('@timestamp')).toBe('2024-01-15T10:00:00.000Z');
    expect(ecs('source.ip')).toBe('10.0.0.1');
    expect(ecs('event.dataset')).toBe('json.log');
    expect(ecs('event.original')).toBe('{"@timestamp":"2024-01-15T10:00:00Z","message":"hello","source":{"ip":"10.0.0.1"}}');
  });

  it('takes the time from common fields (RFC 3339 with offset, epoch seconds, epoch milliseconds)', () => {
    expect(timeField('@timestamp')).toBe('2024-01-15T09:00:00.123Z');
    expect(timeField('msg')).toBe('started');
    expect(epochSeconds('@timestamp')).toBe('2024-01-15T10:00:00.500Z');
    expect(epochMillis('@timestamp')).toBe('2024-01-15T10:00:00.123Z');
  });

  it('expands dotted keys and keeps a document\'s own module and dataset', () => {
    expect(epochSeconds('user.name')).toBe('alice');
    expect(epochSeconds('event.action')).toBe('login');
    expect(epochMillis('event.module')).toBe('custom');
    expect(epochMillis('event.dataset')).toBe('custom.app');
  });

  it('always stamps the collector\'s tenant, whatever the document says', () => {
    expect(spoof('organization.id')).toBe('acme');
  });

  it('rejects what is not an ECS-compatible object', () => {
    const errors = rejectSamples('json', 'json-malformed.log');
    expect(errors[0]).toBe('json: expected a JSON object at column 1, found an array');
    expect(errors[1]).toMatch(/^json: invalid JSON: /);
    expect(errors[2]).toBe('json: expected a JSON object at column 1, found a string');
    expect(errors[3]).toBe("json: field 'event' must be an object (ECS event.*), found string");
  });
});

describe('key=value', () => {
  const [fortigate, simple, quoted, withPri, emptyValue] = parseSamples('kv', 'kv.log');

  it('keeps every pair under kv.* and maps common keys to ECS', () => {
    expect(fortigate('kv.logid')).toBe('0000000013');
    expect(fortigate('kv.policyid')).toBe('1');
    expect(fortigate('source.ip')).toBe('10.1.100.11');
    expect(fortigate('source.port')).toBe(58012);
    expect(fortigate('destination.ip')).toBe('172.16.200.55');
    expect(fortigate('destination.port')).toBe(80);
    expect(fortigate('network.transport')).toBe('tcp');
    expect(fortigate('event.action')).toBe('close');
    expect(fortigate('@timestamp')).toBe('2019-05-10T11:37:47.000Z');
    expect(simple('user.name')).toBe('alice');
    expect(simple('source.ip')).toBe('10.0.0.9');
  });

  it('unescapes quoted values with spaces', () => {
    expect(quoted('message')).toBe('quoted "value" with spaces');
    expect(quoted('kv.level')).toBe('warn');
  });

  it('accepts a syslog PRI in front and empty values', () => {
    expect(withPri('log.syslog.priority')).toBe(134);
    expect(withPri('event.action')).toBe('deny');
    expect(withPri('destination.port')).toBe(22);
    expect(emptyValue('kv.b')).toBe('1');
    expect(emptyValue('kv.a')).toBeUndefined();
  });

  it('rejects text without pairs and unterminated quotes', () => {
    const errors = rejectSamples('kv', 'kv-malformed.log');
    expect(errors[0]).toBe("kv: expected key=value pairs at column 1, found 'just some words'");
    expect(errors[1]).toBe(`kv: unterminated " quote in the value of 'key' at column 1`);
    expect(errors[2]).toBe("kv: expected key=value pairs at column 1, found '=orphan'");
    expect(errors[3]).toMatch(/^kv: expected key=value pairs at column 1/);
  });
});

describe('hostile keys', () => {
  it('keeps __proto__ and constructor as ordinary data, never touching prototypes', async () => {
    const { parseRecord } = await import('./index.ts');
    const { testContext } = await import('./test-samples.ts');
    const json = parseRecord('json', '{"__proto__":{"polluted":1},"a.__proto__.b":2,"constructor":"x"}', testContext());
    const kv = parseRecord('kv', '__proto__=1 constructor=2 toString=3', testContext());
    const cef = parseRecord('cef', 'CEF:0|a|b|c|d|e|constructor|__proto__=1 cat=x', testContext());
    const audit = parseRecord('auditd', 'type=constructor msg=audit(1.0:1): __proto__=1', testContext());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(json.ok && Object.getOwnPropertyNames(json.event)).toContain('__proto__');
    expect(json.ok && Object.getPrototypeOf(json.event)).toBe(Object.prototype);
    expect(kv.ok && Object.getOwnPropertyDescriptor(kv.event.kv as object, '__proto__')?.value).toBe('1');
    expect(cef.ok && (cef.event.event as Record<string, unknown>).severity).toBeUndefined();
    expect(audit.ok && (audit.event.event as Record<string, unknown>).category).toBeUndefined();
  });
});
