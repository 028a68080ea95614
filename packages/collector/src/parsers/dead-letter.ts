import type { SocleEvent } from '@socle/core';
import type { ParseContext } from './types.ts';

/**
 * The record the runtime sends to the dead-letter queue when a parser rejects its input: the raw text,
 * the reason, and where it came from, so it can be fixed and replayed.
 */
export function deadLetter(raw: string, ctx: ParseContext, error: string, format?: string): SocleEvent {
  const socle: Record<string, string> = { input: ctx.input };
  if (format !== undefined) socle.format = format;
  const event: SocleEvent = {
    '@timestamp': ctx.receivedAt,
    event: { kind: 'pipeline_error', original: raw },
    error: { message: error },
    socle,
    organization: { id: ctx.organization },
  };
  if (ctx.peer) event.log = { source: { address: ctx.peer } };
  return event;
}
