/** Structured facts attached to a log line. Callers never put secrets in them. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger every package is handed: a message and structured fields. How lines look (JSON for services,
 * text for a terminal) is chosen once at the edge, by the command that creates the logger.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogLevel = keyof Logger;
export type LogFormat = 'json' | 'text';

export interface LoggerOptions {
  format: LogFormat;
  /** Where each line goes (with its newline); core has no I/O, so the edge says (e.g. stderr). */
  write: (line: string) => void;
  /** Fields on every line (e.g. the component). */
  base?: LogFields;
  /** Text lines start with this, e.g. `socle run: `. */
  prefix?: string;
  /** `debug` lines are dropped unless this is true. */
  debug?: boolean;
  now?: () => Date;
}

/** A logger writing one JSON object per line, or `prefix message key=value ...` text. */
export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const base = options.base ?? {};
  const line = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (level === 'debug' && !options.debug) return;
    if (options.format === 'json') {
      options.write(`${JSON.stringify({ time: now().toISOString(), level, message, ...base, ...fields })}\n`);
      return;
    }
    const all = { ...base, ...fields };
    const facts = Object.entries(all).map(([k, v]) => ` ${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
    const marker = level === 'info' ? '' : `${level}: `;
    options.write(`${options.prefix ?? ''}${marker}${message}${facts.join('')}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** A logger that drops everything (tests, libraries used quietly). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
