import type { Client } from '@elastic/elasticsearch';
import { applyTriage, untriaged, type TriageActor, type TriageChange, type TriageEntry, type TriageState, type TriageStatus, type TriageStore } from '@socle/api';

/** One document per triaged alert: its current state and its whole trail. */
interface TriageDocument {
  alertId: string;
  status: TriageStatus;
  state: TriageState;
  entries: TriageEntry[];
}

const MAX_ATTEMPTS = 50;

/**
 * Triage shared by every worker of a cluster, in one Elasticsearch index (`_id` = alert id). A change reads the
 * alert's document, appends the entry to its trail, folds it into the state and writes the document back only if
 * nobody wrote it meanwhile (`if_seq_no`/`if_primary_term`; `op_type: create` for the first change); on a
 * conflict it reads again and retries, so two analysts on two workers never overwrite each other's change. The
 * trail is append-only: a write always carries every entry it read plus one.
 */
export class ElasticsearchTriageStore implements TriageStore {
  constructor(
    private readonly client: Client,
    readonly index: string,
  ) {}

  /** Creates the index when it is missing (`status` searchable, the rest kept in `_source` only). */
  async ensureIndex(): Promise<void> {
    if (await this.client.indices.exists({ index: this.index })) return;
    try {
      await this.client.indices.create({
        index: this.index,
        mappings: { dynamic: false, properties: { alertId: { type: 'keyword' }, status: { type: 'keyword' }, state: { type: 'object', enabled: false }, entries: { type: 'object', enabled: false } } },
      });
    } catch (err) {
      // Another worker created it first.
      if (!/resource_already_exists_exception/.test(String((err as Error).message))) throw err;
    }
  }

  async append(alertId: string, by: TriageActor, change: TriageChange, at = new Date()): Promise<TriageState> {
    const entry: TriageEntry = { alertId, at: at.toISOString(), by, change };
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(alertId);
      const state = applyTriage(current?.doc.state ?? untriaged(alertId), entry);
      const doc: TriageDocument = { alertId, status: state.status, state, entries: [...(current?.doc.entries ?? []), entry] };
      try {
        await this.client.index({
          index: this.index,
          id: alertId,
          document: doc,
          refresh: true, // analysts' writes are rare; the status filter must see them at once
          ...(current ? { if_seq_no: current.seqNo, if_primary_term: current.primaryTerm } : { op_type: 'create' as const }),
        });
        return state;
      } catch (err) {
        const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
        if (status !== 409 || attempt >= MAX_ATTEMPTS) throw err;
        // Someone else changed the alert since we read it: fold our change into theirs.
      }
    }
  }

  async state(alertId: string): Promise<TriageState> {
    return (await this.read(alertId))?.doc.state ?? untriaged(alertId);
  }

  async history(alertId: string): Promise<TriageEntry[]> {
    return (await this.read(alertId))?.doc.entries ?? [];
  }

  idsWithStatus(status: Exclude<TriageStatus, 'open'>): Promise<string[]> {
    return this.ids({ term: { status } });
  }

  idsNotOpen(): Promise<string[]> {
    return this.ids({ bool: { must_not: { term: { status: 'open' } } } });
  }

  private async read(alertId: string): Promise<{ doc: TriageDocument; seqNo: number; primaryTerm: number } | undefined> {
    try {
      const r = await this.client.get<TriageDocument>({ index: this.index, id: alertId });
      if (!r.found || !r._source) return undefined;
      return { doc: r._source, seqNo: r._seq_no!, primaryTerm: r._primary_term! };
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined;
      throw err;
    }
  }

  private async ids(query: Record<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    let after: (string | number)[] | undefined;
    for (;;) {
      const r = await this.client.search<TriageDocument>({
        index: this.index,
        ignore_unavailable: true,
        size: 5000,
        query,
        _source: false,
        sort: [{ alertId: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      for (const h of r.hits.hits) out.push(h._id!);
      if (r.hits.hits.length < 5000) return out;
      after = r.hits.hits[r.hits.hits.length - 1].sort as (string | number)[];
    }
  }
}

/** The shared triage store on `index`, the index created when missing. */
export async function openElasticsearchTriage(client: Client, index: string): Promise<ElasticsearchTriageStore> {
  const store = new ElasticsearchTriageStore(client, index);
  await store.ensureIndex();
  return store;
}
