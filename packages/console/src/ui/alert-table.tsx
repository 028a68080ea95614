import { useEffect, useRef } from 'preact/hooks';
import { alertDestination, alertHost, alertSource, alertUser, organizations } from './alert-fields.ts';
import type { Filters } from './filters.ts';
import { formatTime } from './time.ts';
import type { Alert, TriageSummary } from './types.ts';

interface Props {
  alerts: Alert[];
  triage: Record<string, TriageSummary>;
  total: number;
  loading: boolean;
  cursor: number;
  openId?: string;
  fresh: Set<string>;
  checked: Set<string>;
  selectable: boolean;
  showTlp: boolean;
  /** Off for a principal of one organisation: the column would repeat it on every row. */
  showOrganization: boolean;
  onOpen: (id: string, index: number) => void;
  onCheck: (id: string) => void;
  onCheckAll: (all: boolean) => void;
  onFilter: (f: Partial<Filters>) => void;
}

/** The queue, newest first: one dense row per alert; a click on a host, user or address filters on it. */
export function AlertTable(p: Props) {
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    body.current?.querySelector('tr.cursor')?.scrollIntoView({ block: 'nearest' });
  }, [p.cursor]);
  const pivot = (f: Partial<Filters>, label: string | undefined) =>
    label && p.showTlp ? (
      <span>{label}</span>
    ) : label ? (
      <button
        type="button"
        class="pivot"
        title="Filter on this value"
        onClick={(e) => {
          e.stopPropagation();
          p.onFilter(f);
        }}
      >
        {label}
      </button>
    ) : (
      <span class="muted">–</span>
    );
  return (
    <div class="table-wrap">
      <div class="table-caption" data-testid="queue-total">
        {p.loading ? 'Loading…' : `${p.total.toLocaleString('en')} alert${p.total === 1 ? '' : 's'}, newest first`}
        <span class="muted keys"> j/k move · Enter open · x select · / search · Esc close · r refresh</span>
      </div>
      <table class="alerts" data-testid="alert-table">
        <thead>
          <tr>
            {p.selectable && (
              <th class="check">
                <input type="checkbox" aria-label="Select all shown" checked={p.alerts.length > 0 && p.checked.size === p.alerts.length} onChange={(e) => p.onCheckAll((e.target as HTMLInputElement).checked)} />
              </th>
            )}
            <th class="time">Time (UTC)</th>
            <th class="level">Level</th>
            <th>Rule</th>
            <th>Host</th>
            <th>User</th>
            <th>Source → dest.</th>
            {p.showOrganization && <th>Org</th>}
            {p.showTlp ? <th>TLP</th> : <th>Status</th>}
            {!p.showTlp && <th>Assignee</th>}
          </tr>
        </thead>
        <tbody ref={body}>
          {p.alerts.map((a, i) => {
            const id = a.event.id;
            const t = p.triage[id];
            const src = alertSource(a);
            const dst = alertDestination(a);
            return (
              <tr
                key={id}
                data-id={id}
                class={`${i === p.cursor ? 'cursor' : ''} ${id === p.openId ? 'open' : ''} ${p.fresh.has(id) ? 'fresh' : ''} ${t?.status === 'closed' ? 'closed' : ''}`}
                onClick={() => p.onOpen(id, i)}
              >
                {p.selectable && (
                  <td class="check" onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" aria-label={`Select alert ${id}`} checked={p.checked.has(id)} onChange={() => p.onCheck(id)} />
                  </td>
                )}
                <td class="time mono" title={`${formatTime(a['@timestamp'])} UTC`}>
                  {formatTime(a['@timestamp']).slice(5)}
                </td>
                <td class="level">
                  <span class={`badge level-${a.socle.level}`}>{a.socle.level === 'informational' ? 'info' : a.socle.level}</span>
                </td>
                <td class="rule">
                  {a.socle.correlation && (
                    <span class="corr" title={`correlation: ${a.socle.correlation.type}`}>
                      corr
                    </span>
                  )}
                  {a.rule.name}
                  {a.socle.suppression && a.socle.suppression.suppressed > 0 && <span class="muted"> ×{a.socle.suppression.suppressed + 1}</span>}
                </td>
                <td>{pivot({ host: alertHost(a) }, alertHost(a))}</td>
                <td>{pivot({ user: alertUser(a) }, alertUser(a))}</td>
                <td class="mono">
                  {pivot({ ip: src }, src)}
                  {dst && (
                    <>
                      {' → '}
                      {pivot({ ip: dst }, dst)}
                    </>
                  )}
                </td>
                {p.showOrganization && <td>{organizations(a).join(', ')}</td>}
                {p.showTlp ? (
                  <td>
                    <span class={`tlp tlp-${(a.socle.sharing?.tlp ?? '').replace('+', '-').toLowerCase()}`}>TLP:{a.socle.sharing?.tlp ?? '?'}</span>
                  </td>
                ) : (
                  <td>
                    <span class={`status status-${t?.status ?? 'open'}`} title={t?.status ?? 'open'}>
                      {t?.status === 'acknowledged' ? 'ack' : (t?.status ?? 'open')}
                    </span>
                  </td>
                )}
                {!p.showTlp && <td class="muted">{t?.assignee ?? ''}</td>}
              </tr>
            );
          })}
          {!p.loading && p.alerts.length === 0 && (
            <tr>
              <td colSpan={10} class="empty">
                No alert matches these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
