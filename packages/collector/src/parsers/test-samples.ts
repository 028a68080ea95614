import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getField } from './ecs.ts';
import { parseRecord, type FormatName } from './index.ts';
import type { ParseContext } from './types.ts';

const TEST_DATA = fileURLToPath(new URL('../../test-data/', import.meta.url));

/** Records of a sample file in packages/collector/test-data: one per line, `#` lines are source notes. */
export function sampleLines(file: string): string[] {
  return readFileSync(TEST_DATA + file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export function testContext(receivedAt = '2024-03-16T12:00:00.000Z'): ParseContext {
  return { organization: 'acme', input: 'test', receivedAt, peer: '192.0.2.200' };
}

/** Parses every record of a sample file, failing loudly (with the record) when one is rejected. */
export function parseSamples(format: FormatName, file: string, ctx = testContext()): Array<(path: string) => unknown> {
  return sampleLines(file).map((line) => {
    const result = parseRecord(format, line, ctx);
    if (!result.ok) throw new Error(`${file}: ${format} rejected ${JSON.stringify(line)}: ${result.error}`);
    return (path: string) => getField(result.event, path);
  });
}

/** The error of every record of a malformed-sample file, failing loudly when one is accepted. */
export function rejectSamples(format: FormatName, file: string, ctx = testContext()): string[] {
  return sampleLines(file).map((line) => {
    const result = parseRecord(format, line, ctx);
    if (result.ok) throw new Error(`${file}: ${format} accepted ${JSON.stringify(line)}`);
    return result.error;
  });
}
