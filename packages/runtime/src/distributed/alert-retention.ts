import type { Client } from '@elastic/elasticsearch';
import cron from 'node-cron';
import { dayOfIndex } from './alert-documents.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Alert indices whose whole day is older than `days` before `nowMs` (today counts as day 0). */
export function expiredIndices(indices: string[], prefix: string, days: number, nowMs: number): string[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const oldestKept = today - days * DAY_MS;
  return indices.filter((name) => {
    const day = dayOfIndex(prefix, name);
    return day !== undefined && day < oldestKept;
  });
}

/**
 * Deletes whole daily alert indices past retention (this Elasticsearch has neither ILM nor `_delete_by_query`,
 * and dropping an index is cheaper anyway). Returns the names deleted.
 */
export async function deleteExpiredAlertIndices(client: Client, prefix: string, days: number, nowMs = Date.now()): Promise<string[]> {
  const rows = await client.cat.indices({ index: `${prefix}-*`, format: 'json', h: 'index' });
  const names = rows.map((r) => r.index).filter((n): n is string => typeof n === 'string');
  const expired = expiredIndices(names, prefix, days, nowMs);
  // Bounded batches keep the URL short.
  for (let i = 0; i < expired.length; i += 50) await client.indices.delete({ index: expired.slice(i, i + 50).join(','), ignore_unavailable: true });
  return expired;
}

/** Runs the retention on a node-cron schedule (UTC); returns a stop function. */
export function scheduleRetention(schedule: string, run: () => Promise<void>): () => void {
  if (!cron.validate(schedule)) throw new Error(`retention.schedule: '${schedule}' is not a cron expression (e.g. '17 3 * * *')`);
  const task = cron.schedule(schedule, run, { timezone: 'UTC', name: 'socle-alert-retention', noOverlap: true });
  return () => void task.destroy();
}
