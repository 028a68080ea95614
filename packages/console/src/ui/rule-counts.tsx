import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { toApiParams, type Filters } from './filters.ts';
import type { Count } from './types.ts';

/** Alerts per rule for the current filters; a click adds the rule to the filters (or removes it). */
export function RuleCounts({ counts, names, selected, onToggle }: { counts: Count[]; names: Record<string, string>; selected: string[]; onToggle: (rule: string) => void }) {
  const max = counts.reduce((m, c) => Math.max(m, c.count), 1);
  return (
    <div class="rule-counts panel" data-testid="rule-counts">
      <div class="panel-title">
        By rule <span class="muted">({counts.length})</span>
      </div>
      <ol>
        {counts.slice(0, 40).map((c) => (
          <li>
            <button type="button" class={selected.includes(c.key) ? 'on' : ''} onClick={() => onToggle(c.key)} title={`${names[c.key] ?? c.key} (${c.key})`}>
              <span class="bar" style={{ width: `${(100 * c.count) / max}%` }} />
              <span class="name">{names[c.key] ?? c.key}</span>
              <span class="count">{c.count}</span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Layer 4: the statistics of what was shared upward, by level and by organisation. */
export function Statistics({ filters }: { filters: Filters }) {
  const [bySeverity, setBySeverity] = useState<Count[]>([]);
  const [byOrg, setByOrg] = useState<Count[]>([]);
  useEffect(() => {
    const p = toApiParams(filters, Date.now());
    api.counts('severity', p).then((r) => setBySeverity(r.counts), () => undefined);
    api.counts('organization', p).then((r) => setByOrg(r.counts), () => undefined);
  }, [JSON.stringify(filters)]);
  return (
    <div class="statistics panel" data-testid="statistics">
      <div class="panel-title">Shared statistics</div>
      <div class="stat-groups">
        <dl>
          {bySeverity.map((c) => (
            <>
              <dt class={`level-text-${c.key}`}>{c.key}</dt>
              <dd>{c.count}</dd>
            </>
          ))}
        </dl>
        <dl>
          {byOrg.map((c) => (
            <>
              <dt>{c.key}</dt>
              <dd>{c.count}</dd>
            </>
          ))}
        </dl>
      </div>
    </div>
  );
}
