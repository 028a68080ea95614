// Rules and a deterministic event stream for the distributed-worker tests and bench/service-e2e.ts, plus the
// reference run: one uninterrupted in-process engine per partition over the same events (no Kafka, no Elasticsearch).
import { Random } from '../../bench/data/prng.ts';
import { createEngine, type Alert, type SocleEvent } from '@socle/core';

export const RULES = `title: Failed login
id: 7f1d2c3a-0001-4000-8000-000000000001
name: failed_login
status: test
logsource: {category: authentication}
detection:
  selection:
    event.action: login_failed
  condition: selection
level: low
---
title: Login as root
id: 7f1d2c3a-0002-4000-8000-000000000002
status: test
logsource: {category: authentication}
detection:
  selection:
    event.action: login_success
    user.name: root
  condition: selection
level: medium
---
title: Brute force on one account
id: 7f1d2c3a-0003-4000-8000-000000000003
status: test
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user.name]
  timespan: 1m
  condition: {gte: 5}
level: high
`;

/** Deterministic PRNG (mulberry32, as the benchmark data generators use). */
export function random(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

export interface PlacedEvent {
  event: SocleEvent;
  partition: number;
}

/**
 * `count` authentication events, 50 ms apart from 2026-03-14T10:00:00Z, on `partitions` partitions keyed by user
 * (as the collector routes by correlation key). Every ~400 events one user gets a burst of failed logins.
 */
export function generateEvents(count: number, partitions: number, seed = 42): PlacedEvent[] {
  const next = random(seed);
  const users = Array.from({ length: 64 }, (_, i) => (i === 0 ? 'root' : `user${i}`));
  const start = Date.parse('2026-03-14T10:00:00Z');
  const out: PlacedEvent[] = [];
  let burstUser = '';
  let burstLeft = 0;
  for (let i = 0; i < count; i++) {
    if (burstLeft === 0 && next() < 1 / 400) {
      burstUser = users[1 + Math.floor(next() * (users.length - 1))];
      burstLeft = 4 + Math.floor(next() * 4);
    }
    let user: string;
    let action: string;
    if (burstLeft > 0) {
      user = burstUser;
      action = 'login_failed';
      burstLeft--;
    } else {
      user = users[Math.floor(next() * users.length)];
      action = next() < 0.05 ? 'login_failed' : 'login_success';
    }
    const event: SocleEvent = {
      '@timestamp': new Date(start + i * 50).toISOString(),
      event: { action, category: ['authentication'] },
      user: { name: user },
      host: { name: `host${Math.floor(next() * 16)}` },
      source: { ip: `10.0.${Math.floor(next() * 4)}.${1 + Math.floor(next() * 250)}` },
      organization: { id: 'acme' },
    };
    out.push({ event, partition: partitionOf(user, partitions) });
  }
  return out;
}

function partitionOf(key: string, partitions: number): number {
  let h = 0;
  for (const c of key) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h % partitions;
}

/** What an uninterrupted run gives: one fresh engine per partition over its events, refs topic/partition/offset. */
export function referenceAlerts(topic: string, events: PlacedEvent[], partitions: number): Map<string, Alert> {
  const engines = Array.from({ length: partitions }, () => createEngine({ rules: [{ text: RULES, file: 'rules.yml' }] }));
  const offsets = new Array<number>(partitions).fill(0);
  const out = new Map<string, Alert>();
  for (const { event, partition } of events) {
    const ref = { id: `${topic}/${partition}/${offsets[partition]++}` };
    for (const a of engines[partition].process(event, ref)) out.set(a.event.id, a);
  }
  return out;
}

