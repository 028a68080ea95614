import { createLogger, type Logger } from '@socle/core';

/** The service's logger: `@socle/core`'s Logger. Callers never pass secrets (the config is masked first). */
export type JsonLogger = Logger;

/** One JSON object per line, on stderr by default. */
export function createJsonLogger(write: (line: string) => void = (line) => process.stderr.write(line), base: Record<string, unknown> = {}): Logger {
  return createLogger({ format: 'json', write, base });
}
