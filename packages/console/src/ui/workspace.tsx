import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { AlertDetailPanel } from './alert-detail.tsx';
import { AlertTable } from './alert-table.tsx';
import { BulkBar } from './bulk-bar.tsx';
import { FilterBar } from './filter-bar.tsx';
import { filtersToSearch, parseFilters, toApiParams, type Filters } from './filters.ts';
import { Histogram } from './histogram.tsx';
import { RuleCounts, Statistics } from './rule-counts.tsx';
import { intervalFor, resolveTime } from './time.ts';
import type { Alert, AlertPage, Bucket, Count, SessionInfo, TriageSummary } from './types.ts';
import { useUrlSearch } from './url-state.ts';

const PAGE_SIZE = 100;
const LIVE_POLL_MS = 5000;

interface QueueState {
  alerts: Alert[];
  total: number;
  nextCursor?: string;
  triage: Record<string, TriageSummary>;
}

/** The queue and the open alert side by side; the URL holds the filters (and `alert=<id>`). */
export function Workspace({ session }: { session: SessionInfo }) {
  const [search, navigate] = useUrlSearch();
  const filters = useMemo(() => parseFilters(search), [search]);
  const filterKey = filtersToSearch(filters).toString();
  const openId = search.get('alert') ?? undefined;

  const [queue, setQueue] = useState<QueueState>({ alerts: [], total: 0, triage: {} });
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [ruleCounts, setRuleCounts] = useState<Count[]>([]);
  const [buckets, setBuckets] = useState<{ interval: number; buckets: Bucket[] }>({ interval: 3_600_000, buckets: [] });
  const [ruleNames, setRuleNames] = useState<Record<string, string>>({});
  const [cursor, setCursor] = useState(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [pagedBeyondFirst, setPagedBeyondFirst] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);

  const setFilters = useCallback(
    (f: Filters) => {
      const next = filtersToSearch(f);
      if (openId) next.set('alert', openId);
      navigate(next);
    },
    [navigate, openId],
  );
  const openAlert = useCallback(
    (id: string | undefined) => {
      const next = filtersToSearch(filters);
      if (id) next.set('alert', id);
      navigate(next, true);
    },
    [navigate, filterKey],
  );

  const rememberNames = (alerts: Alert[]) =>
    setRuleNames((prev) => {
      let changed = false;
      const next = { ...prev };
      for (const a of alerts) if (!next[a.rule.id]) ((next[a.rule.id] = a.rule.name), (changed = true));
      return changed ? next : prev;
    });

  /** The first page, the rule counts and the histogram for the current filters. */
  const load = useCallback(
    async (live: boolean) => {
      let params: URLSearchParams;
      try {
        params = toApiParams(filters, Date.now());
      } catch (err) {
        setError((err as Error).message);
        setLoading(false);
        return;
      }
      params.set('size', String(PAGE_SIZE));
      try {
        const page: AlertPage = await api.search(params);
        rememberNames(page.alerts);
        setQueue((prev) => {
          if (live) {
            if (pagedBeyondFirst) return prev;
            const known = new Set(prev.alerts.map((a) => a.event.id));
            const added = page.alerts.filter((a) => !known.has(a.event.id)).map((a) => a.event.id);
            if (added.length) setFresh(new Set(added));
          }
          return { alerts: page.alerts, total: page.total, nextCursor: page.nextCursor, triage: page.triage };
        });
        setError(undefined);
        // The overview narrows the queue but is not the queue: a store without histograms (501) leaves it empty.
        const [counts, histogram] = await Promise.all([api.counts('rule', params).catch(() => ({ counts: [] })), loadHistogram(filters, params, page).catch(() => ({ interval: 3_600_000, buckets: [] }))]);
        setRuleCounts(counts.counts);
        setBuckets(histogram);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [filterKey, pagedBeyondFirst],
  );

  useEffect(() => {
    setLoading(true);
    setCursor(0);
    setChecked(new Set());
    setFresh(new Set());
    setPagedBeyondFirst(false);
    void load(false);
  }, [filterKey]);

  // Live queue: new alerts appear without a reload (highlighted), unless the analyst is reading further pages.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load(true);
    }, LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const loadMore = async () => {
    if (!queue.nextCursor) return;
    const params = toApiParams(filters, Date.now());
    params.set('size', String(PAGE_SIZE));
    params.set('cursor', queue.nextCursor);
    try {
      const page = await api.search(params);
      rememberNames(page.alerts);
      setPagedBeyondFirst(true);
      setQueue((prev) => ({ alerts: [...prev.alerts, ...page.alerts], total: page.total, nextCursor: page.nextCursor, triage: { ...prev.triage, ...page.triage } }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const onTriaged = (id: string, t: TriageSummary) => setQueue((prev) => ({ ...prev, triage: { ...prev.triage, [id]: t } }));

  // Keyboard: j/k or arrows move, Enter or o opens, x selects, Esc closes, / searches, r refreshes. One listener
  // reading the latest render through a ref, so keys pressed in quick succession act on the current row.
  const keys = useRef({ alerts: queue.alerts, cursor, openAlert, load });
  keys.current = { alerts: queue.alerts, cursor, openAlert, load };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) {
        if (e.key === 'Escape') target.blur();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const { alerts, cursor: at, openAlert: open, load: reload } = keys.current;
      const n = alerts.length;
      const move = (c: number) => {
        keys.current.cursor = c;
        setCursor(c);
      };
      if (e.key === 'j' || e.key === 'ArrowDown') move(Math.min(n - 1, at + 1));
      else if (e.key === 'k' || e.key === 'ArrowUp') move(Math.max(0, at - 1));
      else if ((e.key === 'Enter' || e.key === 'o') && alerts[at]) open(alerts[at].event.id);
      else if (e.key === 'x' && alerts[at]) {
        const id = alerts[at].event.id;
        setChecked((s) => {
          const next = new Set(s);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        });
      } else if (e.key === 'Escape') open(undefined);
      else if (e.key === '/') searchInput.current?.focus();
      else if (e.key === 'r') void reload(false);
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const readOnly = session.principal?.readOnly ?? false;
  const national = session.principal?.layer === 4;
  return (
    <div class={`workspace ${openId ? 'with-detail' : ''}`}>
      <section class="queue" aria-label="Alert queue">
        <FilterBar filters={filters} onChange={setFilters} searchRef={searchInput} showOrganization={(session.principal?.organizations.length ?? 0) !== 1} sharedOnly={national} />
        <div class="overview">
          <Histogram data={buckets} onSelect={(from, to) => setFilters({ ...filters, from: new Date(from).toISOString(), to: new Date(to).toISOString() })} />
          <RuleCounts counts={ruleCounts} names={ruleNames} selected={filters.rule} onToggle={(rule) => setFilters({ ...filters, rule: filters.rule.includes(rule) ? filters.rule.filter((r) => r !== rule) : [...filters.rule, rule] })} />
        </div>
        {national && <Statistics filters={filters} />}
        {!readOnly && checked.size > 0 && (
          <BulkBar
            ids={[...checked]}
            onDone={(updates) => {
              for (const [id, t] of Object.entries(updates)) onTriaged(id, t);
              setChecked(new Set());
            }}
          />
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <AlertTable
          alerts={queue.alerts}
          triage={queue.triage}
          total={queue.total}
          loading={loading}
          cursor={cursor}
          openId={openId}
          fresh={fresh}
          checked={checked}
          selectable={!readOnly}
          showTlp={national}
          showOrganization={(session.principal?.organizations.length ?? 0) !== 1}
          onOpen={(id, i) => {
            setCursor(i);
            openAlert(id);
          }}
          onCheck={(id) =>
            setChecked((s) => {
              const next = new Set(s);
              if (next.has(id)) next.delete(id);
              else next.add(id);
              return next;
            })
          }
          onCheckAll={(all) => setChecked(all ? new Set(queue.alerts.map((a) => a.event.id)) : new Set())}
          onFilter={(f) => setFilters({ ...filters, ...f })}
        />
        {queue.nextCursor && (
          <button class="ghost more" onClick={loadMore}>
            Load {PAGE_SIZE} more ({queue.total - queue.alerts.length} not shown)
          </button>
        )}
      </section>
      {openId && (
        <AlertDetailPanel
          key={openId}
          id={openId}
          session={session}
          onClose={() => openAlert(undefined)}
          onTriaged={onTriaged}
          onFilter={(f) => {
            const next = filtersToSearch({ ...parseFilters(new URLSearchParams()), ...f });
            navigate(next);
          }}
          onOpen={openAlert}
        />
      )}
    </div>
  );
}

/** Histogram buckets sized to the time range; without a range, to the span the first page suggests. */
async function loadHistogram(filters: Filters, params: URLSearchParams, page: AlertPage): Promise<{ interval: number; buckets: Bucket[] }> {
  const now = Date.now();
  let span: number;
  if (filters.from) span = (filters.to ? resolveTime(filters.to, now) : now) - resolveTime(filters.from, now);
  else {
    const coarse = await api.histogram('1d', params);
    if (coarse.buckets.length === 0) return coarse;
    const first = Date.parse(coarse.buckets[0].key);
    const last = Date.parse(coarse.buckets[coarse.buckets.length - 1].key) + 86_400_000;
    if (last - first > 100 * 86_400_000) return coarse;
    span = Math.max(last - first, 60_000);
    if (coarse.buckets.length === 1 && page.alerts.length) {
      const newest = Date.parse(page.alerts[0]['@timestamp']);
      const oldest = Date.parse(page.alerts[page.alerts.length - 1]['@timestamp']);
      span = Math.max((newest - oldest) * Math.max(1, page.total / page.alerts.length), 60_000);
    }
  }
  return api.histogram(intervalFor(span), params);
}
