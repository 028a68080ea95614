import { z } from 'zod';
import { DEFAULT_MAX_NESTING_DEPTH, formatNames, isFormatName } from '../parsers/index.ts';
import { listenAddressSchema as listen } from './listen-address.ts';

/**
 * The one schema of inputs, for `socle collect` and `socle run` alike: an input configured for one mode works,
 * with the same name and defaults, in the other.
 */
const name = z.string().regex(/^[A-Za-z0-9._:/-]+$/, 'use letters, digits and . _ : / -');
const format = z.string().refine(isFormatName, { error: () => `unknown format; expected one of ${formatNames.join(', ')}` });
/** Levels of objects and arrays a record's event may nest (the event itself is 1); deeper ones are dead-lettered. */
const maxNestingDepth = z.number().int().min(2).max(512).default(DEFAULT_MAX_NESTING_DEPTH);
const bound = { name: name.optional(), organization: z.string().min(1), maxNestingDepth };
const maxMessageBytes = z.number().int().min(64).max(64 * 1024 * 1024).default(64 * 1024);
const maxConnections = z.number().int().min(1).default(1000);
const syslogFormat = format.default('syslog');

const syslogUdp = z.strictObject({ type: z.literal('syslog-udp'), ...bound, format: syslogFormat, listen, maxMessageBytes });
const syslogTcp = z.strictObject({ type: z.literal('syslog-tcp'), ...bound, format: syslogFormat, listen, maxMessageBytes, maxConnections });
const syslogTls = z.strictObject({
  type: z.literal('syslog-tls'),
  ...bound,
  format: syslogFormat,
  listen,
  maxMessageBytes,
  maxConnections,
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional(), requireClientCert: z.boolean().default(false) }),
});
const file = z.strictObject({
  type: z.literal('file'),
  ...bound,
  format,
  /** Glob patterns. */
  paths: z.array(z.string().min(1)).min(1),
  /** Where read positions are kept; `socle run` defaults it to `<dataDir>/inputs/<name>.json`. */
  stateFile: z.string().min(1).optional(),
  pollIntervalMs: z.number().int().min(10).default(250),
  readChunkBytes: z.number().int().min(4096).default(1024 * 1024),
  maxMessageBytes,
  startAt: z.enum(['beginning', 'end']).default('beginning'),
});
const token = z.union([
  z.strictObject({ token: z.string().min(16, 'tokens must be at least 16 characters'), organization: z.string().min(1) }),
  z.strictObject({ tokenEnv: z.string().min(1), organization: z.string().min(1) }),
]);
const http = z.strictObject({
  type: z.literal('http'),
  name: name.optional(),
  format: format.default('json'),
  listen,
  tokens: z.array(token).min(1, 'at least one token is needed: HTTP ingest is never anonymous'),
  maxBodyBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  maxMessageBytes,
  maxNestingDepth,
  retryAfterSeconds: z.number().int().min(1).default(1),
});
const stdin = z.strictObject({ type: z.literal('stdin'), ...bound, format, maxMessageBytes });

export const inputTypes = ['syslog-udp', 'syslog-tcp', 'syslog-tls', 'file', 'http', 'stdin'] as const;

export const inputSchema = z.discriminatedUnion('type', [syslogUdp, syslogTcp, syslogTls, file, http, stdin], {
  error: `type must be one of ${inputTypes.join(', ')}`,
});

export type InputConfig = z.output<typeof inputSchema>;
export type InputType = InputConfig['type'];

/** `syslog-tcp:0.0.0.0:5514` for a listener, `file-2` otherwise (the input's position in the list, from 1). */
export function defaultInputName(input: InputConfig, index: number): string {
  if ('listen' in input) return `${input.type}:${input.listen}`;
  return `${input.type}-${index + 1}`;
}
