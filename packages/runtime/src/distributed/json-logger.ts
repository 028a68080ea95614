/** Structured logs: one JSON object per line on stderr. Callers never pass secrets (the config is masked first). */
export interface JsonLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createJsonLogger(write: (line: string) => void = (line) => process.stderr.write(line), base: Record<string, unknown> = {}): JsonLogger {
  const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
