import type { SocleEvent } from '@socle/core';
import { TextDecoder } from 'node:util';
import type { Rejection } from '../dead-letters/dead-letter.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Kafka message value as an event, or why it is none: `null-value` (a tombstone), `too-large` (over
 * `maxBytes`, not parsed), `invalid-utf8`, `invalid-json`, `not-an-object` (an array, a string, a number...).
 */
export function decodeEvent(value: Uint8Array | null, maxBytes: number): { event: SocleEvent } | { rejected: Rejection } {
  const reject = (reason: string, message: string) => ({ rejected: { stage: 'decode' as const, reason, message } });
  if (value === null) return reject('null-value', 'the message has no value (null)');
  if (value.byteLength > maxBytes) return reject('too-large', `the message is ${value.byteLength} bytes, over the ${maxBytes}-byte limit (kafka.maxEventBytes)`);
  let text: string;
  try {
    text = strictUtf8.decode(value);
  } catch {
    return reject('invalid-utf8', 'the message is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return reject('invalid-json', `the message is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('not-an-object', `an event must be a JSON object, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  return { event: parsed as SocleEvent };
}
