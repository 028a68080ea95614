import { errorMessage } from '@socle/core';
import type { Client } from '@elastic/elasticsearch';
import type { Alert } from '@socle/core';
import type { AlertSink } from '@socle/api';
import { alertIndexName, alertIndexTemplate, toDocument } from './alert-documents.ts';

export interface ElasticsearchAlertSinkOptions {
  client: Client;
  indexPrefix: string;
  organization: string;
  /** Attempts per `write` before it fails (the caller retries the whole batch later). */
  attempts: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told about each bulk round trip (latency) and failure (for metrics and logs). */
  onBulk?: (seconds: number, failedItems: number) => void;
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** An item Elasticsearch refuses for good (a 4xx other than 429): the alert stays in the Kafka alerts topic. */
  onRejected?: (alertId: string, index: string, reason: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

/**
 * Bulk-indexes alerts with `_id` = alert id into `<prefix>-<org>-YYYY.MM.DD`: re-writing an alert replaces it, so
 * replays never duplicate. Items refused with 429/5xx and connection errors are retried with exponential backoff;
 * `write` resolves only once every alert is indexed (or refused for good) and throws after `attempts`.
 */
export class ElasticsearchAlertSink implements AlertSink {
  constructor(private readonly options: ElasticsearchAlertSinkOptions) {}

  async installTemplate(): Promise<void> {
    const { name, body } = alertIndexTemplate(this.options.indexPrefix);
    await this.options.client.indices.putIndexTemplate({ name, ...body });
  }

  async write(alerts: Alert[]): Promise<void> {
    const { attempts, indexPrefix, organization } = this.options;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    // Latest version of each id wins within a batch, as it would across batches.
    const byId = new Map<string, { index: string; alert: Alert }>();
    for (const alert of alerts) {
      try {
        byId.set(alert.event.id, { index: alertIndexName(indexPrefix, alert, organization), alert });
      } catch (err) {
        // One alert that cannot be placed must not hold the others back (it stays in the alerts topic).
        this.options.onRejected?.(alert.event.id, `${indexPrefix}-?`, `no index for it: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    let pending = [...byId.values()];
    for (let attempt = 1; pending.length > 0; attempt++) {
      let reason: string;
      try {
        pending = await this.bulk(pending);
        if (pending.length === 0) return;
        reason = `${pending.length} bulk items refused with 429/5xx`;
      } catch (err) {
        reason = errorMessage(err);
      }
      if (attempt >= attempts) throw new Error(`elasticsearch bulk failed ${attempt} times (${pending.length} alerts pending): ${reason}`);
      const delay = Math.min((this.options.initialBackoffMs ?? 200) * 2 ** (attempt - 1), this.options.maxBackoffMs ?? 5_000);
      this.options.onRetry?.(reason, attempt, delay);
      await sleep(delay);
    }
  }

  /** One bulk request; returns the items to retry. */
  private async bulk(items: { index: string; alert: Alert }[]): Promise<{ index: string; alert: Alert }[]> {
    const operations: unknown[] = [];
    const sent: { index: string; alert: Alert }[] = [];
    for (const item of items) {
      let doc: unknown;
      try {
        doc = toDocument(item.alert);
      } catch (err) {
        this.options.onRejected?.(item.alert.event.id, item.index, `cannot be made a document: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      operations.push({ index: { _index: item.index, _id: item.alert.event.id } }, doc);
      sent.push(item);
    }
    if (sent.length === 0) return [];
    items = sent;
    const started = performance.now();
    let response;
    try {
      response = await this.options.client.bulk({ operations, refresh: false });
    } catch (err) {
      this.options.onBulk?.((performance.now() - started) / 1000, items.length);
      throw err;
    }
    const retry: { index: string; alert: Alert }[] = [];
    if (response.errors) {
      response.items.forEach((entry, i) => {
        const result = entry.index as BulkItemResult | undefined;
        if (!result || !result.error) return;
        if (retryable(result.status)) retry.push(items[i]);
        else this.options.onRejected?.(items[i].alert.event.id, items[i].index, `${result.status} ${result.error.type ?? ''}: ${result.error.reason ?? ''}`);
      });
    }
    this.options.onBulk?.((performance.now() - started) / 1000, retry.length);
    return retry;
  }
}
