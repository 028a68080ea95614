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
  /** The file a file input read the record from (dead letters name it in `log.file.path`). */
  filePath?: string;
  /** How deep objects and arrays may nest in the record's event (default `DEFAULT_MAX_NESTING_DEPTH`, 64). */
  maxNestingDepth?: number;
}

export type ParseResult =
  | { ok: true; event: SocleEvent }
  | { ok: false; error: string; reason?: RejectionReason };

/**
 * Why a record went to the dead-letter queue, as a short code for metrics and `error.type`:
 * `framing` (oversize or badly framed, before parsing), `unparsed` (the parser refused it), `parser-error` (the
 * parser threw), `too-deep`, `time-out-of-range`, `time-unreadable` (the parsed event failed validation),
 * `unserialisable` (the output could not write it as JSON).
 */
export type RejectionReason = 'framing' | 'unparsed' | 'parser-error' | 'too-deep' | 'time-out-of-range' | 'time-unreadable' | 'unserialisable';

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
