import { deadLetter, parseRecord, type FormatName } from './parsers/index.ts';
import type { DeadLetterFn, ParseRecordFn } from './delivery/intake.ts';

/** The parsers of this package, as the runtime calls them (formats are validated in the configuration). */
export const defaultParse: ParseRecordFn = (format, raw, ctx) => parseRecord(format as FormatName, raw, ctx);
export const defaultDeadLetter: DeadLetterFn = (raw, ctx, error, format, reason) => deadLetter(raw, ctx, error, format, reason);
