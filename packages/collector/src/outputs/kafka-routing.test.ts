import { describe, expect, it } from 'vitest';
import { keyFor, readField, topicFor } from './kafka-routing.ts';

describe('Kafka topic routing and keys', () => {
  it('fills {dataset} from event.dataset, nested or flat, making it topic-safe', () => {
    expect(topicFor('socle.events.{dataset}', { event: { dataset: 'system.auth' } }, 'unknown')).toBe('socle.events.system.auth');
    expect(topicFor('socle.events.{dataset}', { 'event.dataset': 'nginx access/log' }, 'unknown')).toBe('socle.events.nginx_access_log');
    expect(topicFor('socle.events.{dataset}', { message: 'no dataset' }, 'unknown')).toBe('socle.events.unknown');
  });

  it('uses a template without {dataset} as the one topic for all events', () => {
    expect(topicFor('socle.events', { event: { dataset: 'system.auth' } }, 'unknown')).toBe('socle.events');
  });

  it('keys by the configured field so that one host stays on one partition', () => {
    expect(keyFor({ host: { name: 'web1' } }, 'host.name')).toBe('web1');
    expect(keyFor({ 'host.name': 'web2' }, 'host.name')).toBe('web2');
    expect(keyFor({ user: { id: 42 } }, 'user.id')).toBe('42');
    expect(keyFor({ host: {} }, 'host.name')).toBeNull();
  });

  it('reads partly flat shapes', () => {
    expect(readField({ host: { 'os.name': 'Debian' } }, 'host.os.name')).toBe('Debian');
    expect(readField({ a: 'scalar' }, 'a.b')).toBeUndefined();
  });
});
