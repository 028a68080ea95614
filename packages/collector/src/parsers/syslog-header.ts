import type { Priority } from './syslog-priority.ts';

/** What a syslog framing (RFC 3164, RFC 5424 or a log-file line header) says about a message. */
export interface SyslogHeader {
  priority?: Priority;
  /** ISO 8601 UTC, absent when the sender gave none (NILVALUE) or the line had no header. */
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  version?: number;
  structuredData?: Record<string, Record<string, string | string[]>>;
  /** The MSG part, with a leading UTF-8 BOM removed. */
  message: string;
}
