import { bench, describe } from 'vitest';
import { parseRecord, type FormatName } from './index.ts';
import { sampleLines, testContext } from './test-samples.ts';

// Ingest hot path: `pnpm exec vitest bench packages/collector/src/parsers/parsers.bench.ts`.
// Splitting field paths once (ecs.ts `pathKeys`) came from a profile where `setField` took a fifth of the time.
const ctx = testContext();
const cases: [FormatName, string][] = [
  ['syslog', 'syslog-5424.log'], ['syslog', 'syslog-3164.log'], ['sshd', 'sshd.log'], ['nginx', 'nginx.log'],
  ['auditd', 'auditd.log'], ['iptables', 'iptables.log'], ['cef', 'cef.log'], ['leef', 'leef.log'],
  ['json', 'json.log'], ['kv', 'kv.log'], ['winlogbeat', 'winlogbeat.log'], ['evtx', 'evtx.log'],
];

describe('parseRecord, every sample of a file per iteration', () => {
  for (const [format, file] of cases) {
    const lines = sampleLines(file);
    bench(`${format} (${file})`, () => {
      for (const line of lines) parseRecord(format, line, ctx);
    });
  }
});
