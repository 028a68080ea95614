import type { SocleEvent } from '@socle/core';
import { stageOf } from './record-check.ts';
import type { ParseContext, RejectionReason } from './types.ts';

/**
 * The record the runtime sends to the dead-letter queue when a stage rejects its input: the raw text, the reason
 * (`error.message`, and its code in `error.type` with the stage in `socle.stage`), and where it came from (input,
 * organisation, peer), so it can be fixed and replayed.
 */
export function deadLetter(raw: string, ctx: ParseContext, error: string, format?: string, reason?: RejectionReason): SocleEvent {
  const socle: Record<string, string> = { input: ctx.input };
  if (format !== undefined) socle.format = format;
  if (reason !== undefined) socle.stage = stageOf(reason);
  const event: SocleEvent = {
    '@timestamp': ctx.receivedAt,
    event: { kind: 'pipeline_error', original: raw },
    error: reason === undefined ? { message: error } : { message: error, type: reason },
    socle,
    organization: { id: ctx.organization },
  };
  if (ctx.peer) event.log = { source: { address: ctx.peer } };
  if (ctx.filePath) event.log = { file: { path: ctx.filePath } };
  return event;
}
