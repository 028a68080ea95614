import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '@socle/api/testing';
import type { DeadLetter } from '../dead-letters/dead-letter.ts';
import { KafkaAlertSink } from './kafka-alert-sink.ts';

/** A kafkajs client whose producer records what it was asked to send. */
function fakeKafka(sent: { key: string; value: string }[]): Kafka {
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (r: { messages: { key: string; value: string }[] }) => void sent.push(...r.messages),
  };
  return { producer: () => producer } as unknown as Kafka;
}

describe('KafkaAlertSink', () => {
  it('dead-letters an alert it cannot write (too large, not serialisable) and sends the others', async () => {
    const sent: { key: string; value: string }[] = [];
    const letters: DeadLetter[] = [];
    const sink = new KafkaAlertSink(fakeKafka(sent), 'alerts', { deadLetters: { write: async (l) => void letters.push(...l) }, maxAlertBytes: 2000 });
    await sink.connect();
    const big = { ...makeAlert({ id: 'big', time: '2026-03-14T10:00:00Z' }), 'socle.event': { pad: 'x'.repeat(5000) } };
    const odd = { ...makeAlert({ id: 'odd', time: '2026-03-14T10:00:00Z' }), weird: 10n };
    await sink.write([makeAlert({ id: 'ok', time: '2026-03-14T10:00:00Z' }), big, odd]);
    expect(sent.map((m) => m.key)).toEqual(['ok']);
    expect(letters.map((l) => [l.ref, l.stage, l.reason])).toEqual([
      ['big', 'serialise', 'too-large'],
      ['odd', 'serialise', 'unserialisable'],
    ]);
    expect(letters[0].raw.value?.byteLength).toBeGreaterThan(5000);
  });
});
