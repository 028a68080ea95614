import type { SocleEvent } from '@socle/core';

/** Where a raw record came from; every parser stamps this onto the event. */
export interface ParseContext {
  /** Tenant of the four-layer model; becomes `organization.id`. */
  organization: string;
  /** Name of the input that received the record (e.g. `syslog-tcp`, `file:/var/log/auth.log`). */
  input: string;
  /** Receive time, ISO 8601; used when the record carries no timestamp of its own. */
  receivedAt: string;
  /** Peer address for network inputs. */
  peer?: string;
}

export type ParseResult =
  | { ok: true; event: SocleEvent }
  | { ok: false; error: string };

/** One record (a line, a syslog message, a JSON document) in, one ECS event out, or a reason why not. */
export type Parser = (raw: string, ctx: ParseContext) => ParseResult;

/**
 * A parser for the MSG part of a syslog message or the payload of a log line (sshd, sudo, CEF...).
 * It returns the fields it understood as a nested ECS fragment, so nothing is half-applied on error.
 */
export type MessageParser = (message: string) => MessageOutcome;

export type MessageOutcome =
  | { kind: 'parsed'; fields: Record<string, unknown> }
  /** The text is not one this parser knows (e.g. an informational sshd line); not an error. */
  | { kind: 'unrecognised' }
  | { kind: 'error'; error: string };
