import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '@socle/core';
import { maskSecrets, parseServiceConfig } from './service-config.ts';

const MINIMAL = `
kafka:
  brokers: [kafka-1:9092]
  topics: {events: [socle.events]}
elasticsearch:
  url: http://es:9200
  password: hunter2
rules: [rules/]
`;

describe('service configuration', () => {
  it('fills defaults and resolves rule paths against the file folder', () => {
    const { config } = parseServiceConfig(MINIMAL, 'socle.yaml', {}, '/etc/socle');
    expect(config.kafka).toMatchObject({ group: 'socle-workers', topics: { events: ['socle.events'], alerts: 'socle.alerts', state: 'socle.state' } });
    expect(config.rules).toEqual(['/etc/socle/rules']);
    expect(config.checkpoint).toEqual({ intervalMs: 10_000, everyEvents: 50_000, keep: 3, onUnreadable: { policy: 'rebuild', lookbackEvents: 10_000 } });
    expect(config.kafka.topics.deadLetters).toBe('socle.dead-letters');
    expect(config.watermark.idleAdvanceMs).toBe(0);
    expect(config.health.stallAfterMs).toBe(60_000);
    expect(config.retention.days).toBe(30);
    expect(config.metrics.listen).toBe('127.0.0.1:9464');
  });

  it('lets SOCLE_* environment variables override the file', () => {
    const { config, overrides } = parseServiceConfig(MINIMAL, 'socle.yaml', { SOCLE_KAFKA_BROKERS: 'a:1, b:2', SOCLE_ES_URL: 'https://es.internal:9243', SOCLE_RETENTION_DAYS: '7' }, '/');
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.elasticsearch.url).toBe('https://es.internal:9243');
    expect(config.retention.days).toBe(7);
    expect(overrides.sort()).toEqual(['SOCLE_ES_URL', 'SOCLE_KAFKA_BROKERS', 'SOCLE_RETENTION_DAYS']);
  });

  it('names the file, line and key path of each problem', () => {
    const bad = MINIMAL.replace('kafka-1:9092', 'kafka-1').replace('http://es:9200', 'es:9200') + 'checkpoint: {intervalMs: 5}\nretention: {schedule: every night}\n';
    let error: unknown;
    try {
      parseServiceConfig(bad, 'socle.yaml', {}, '/');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    const problems = (error as ConfigFileError).problems.join('\n');
    expect(problems).toMatch(/socle\.yaml:3:\d+: kafka\.brokers\.0: expected host:port/);
    expect(problems).toMatch(/socle\.yaml:\d+:\d+: elasticsearch\.url: expected an http\(s\) URL/);
    expect(problems).toMatch(/checkpoint\.intervalMs/);
    expect(problems).toMatch(/retention\.schedule: not a cron expression/);
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(() => parseServiceConfig(`${MINIMAL}retension: {days: 3}\n`, 'socle.yaml', {}, '/')).toThrow(/retension/);
  });

  it('masks passwords, API keys and URL credentials', () => {
    const withSecrets = MINIMAL.replace('http://es:9200', 'http://elastic:changeme@es:9200').replace('topics:', 'sasl: {mechanism: plain}\n  topics:');
    const { config } = parseServiceConfig(withSecrets, 'socle.yaml', { SOCLE_ES_API_KEY: 'abc123', SOCLE_KAFKA_USERNAME: 'svc', SOCLE_KAFKA_PASSWORD: 'pw' }, '/');
    expect(config.kafka.sasl).toEqual({ mechanism: 'plain', username: 'svc', password: 'pw' });
    const masked = JSON.stringify(maskSecrets(config));
    expect(masked).not.toMatch(/hunter2|changeme|abc123|"pw"/);
    expect(masked).toContain('"username":"svc"');
    expect(masked).toContain('elastic:***@es');
  });

  it('resolves the API token store, audit log, triage folder and sharing paths against the file folder', () => {
    const text = `${MINIMAL}api: {listen: '0.0.0.0:8080', tokens: tokens.json, audit: audit/access.ndjson, triage: triage}
sharing:
  policies: [policies/acme.yml]
  outbox: outbox
  endpoint: {taxii: 'https://cti.example.gov/national/'}
  signingKey: {file: keys/soc.pem, keyId: soc-1}
  reports: {outDir: reports, incidents: incidents.yml}
`;
    const { config } = parseServiceConfig(text, 'socle.yaml', {}, '/etc/socle');
    expect(config.api).toEqual({ listen: '0.0.0.0:8080', tokens: '/etc/socle/tokens.json', audit: '/etc/socle/audit/access.ndjson', triage: '/etc/socle/triage', allowedHosts: [] });
    expect(config.sharing).toMatchObject({
      policies: ['/etc/socle/policies/acme.yml'],
      outbox: '/etc/socle/outbox',
      signingKey: { file: '/etc/socle/keys/soc.pem', keyId: 'soc-1' },
      endpoint: { tokenEnv: 'SOCLE_UPSTREAM_TOKEN' },
      intervalMs: 60_000,
      reports: { outDir: '/etc/socle/reports', incidents: '/etc/socle/incidents.yml', statisticsCron: '5 0 * * *' },
    });
  });

  it('names the key path of a broken sharing section', () => {
    const text = `${MINIMAL}sharing:\n  policies: []\n  outbox: o\n  endpoint: {taxii: 'https://x.example/', collection: all}\n  signingKey: {file: k.pem}\n`;
    let problems = '';
    try {
      parseServiceConfig(text, 'socle.yaml', {}, '/');
    } catch (err) {
      problems = (err as ConfigFileError).problems.join('\n');
    }
    expect(problems).toMatch(/socle\.yaml:\d+:\d+: sharing\.policies: list at least one sharing policy file/);
    expect(problems).toMatch(/sharing\.endpoint\.collection: collections are chosen per organisation: set `collection:` in each sharing policy/);
    expect(problems).toMatch(/sharing\.signingKey\.keyId/);
  });
});
