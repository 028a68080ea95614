import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { alertDestination, alertHost, alertSource, alertUser, first, flatten, organizations } from './alert-fields.ts';
import type { Filters } from './filters.ts';
import { formatTime } from './time.ts';
import { TriagePanel } from './triage-panel.tsx';
import type { Alert, AlertDetail, AlertHistory, SessionInfo, TriageSummary } from './types.ts';

interface Props {
  id: string;
  session: SessionInfo;
  onClose: () => void;
  onTriaged: (id: string, t: TriageSummary) => void;
  onFilter: (f: Partial<Filters>) => void;
  onOpen: (id: string) => void;
}

/** One alert: its rule, ATT&CK, the raw events behind it, correlation members, related alerts and triage. */
export function AlertDetailPanel({ id, session, onClose, onTriaged, onFilter, onOpen }: Props) {
  const [detail, setDetail] = useState<AlertDetail | undefined>();
  const [history, setHistory] = useState<AlertHistory | undefined>();
  const [error, setError] = useState<string | undefined>();

  const reloadHistory = () => api.history(id).then(setHistory, () => undefined);
  useEffect(() => {
    api.alert(id).then(setDetail, (err) => setError((err as Error).message));
    void reloadHistory();
  }, [id]);

  if (error) {
    return (
      <aside class="detail" aria-label="Alert">
        <div class="detail-head">
          <button class="ghost close" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <p class="error" role="alert">
          {error}
        </p>
      </aside>
    );
  }
  if (!detail) return <aside class="detail">Loading…</aside>;
  const a = detail.alert;
  const p = session.principal;
  return (
    <aside class="detail" aria-label="Alert" data-testid="alert-detail">
      <div class="detail-head">
        <span class={`badge level-${a.socle.level}`}>{a.socle.level}</span>
        <h2 data-testid="detail-rule">{a.rule.name}</h2>
        <button class="ghost close" onClick={onClose} aria-label="Close" title="Close (Esc)">
          ✕
        </button>
      </div>
      <dl class="facts">
        <dt>Time</dt>
        <dd class="mono">{formatTime(a['@timestamp'])} UTC</dd>
        <dt>Alert id</dt>
        <dd class="mono">{a.event.id}</dd>
        <dt>Organisation</dt>
        <dd>{organizations(a).join(', ') || '–'}</dd>
        <Fact label="Host" value={alertHost(a)} onClick={(v) => onFilter({ host: v })} plain={p?.layer === 4} />
        <Fact label="User" value={alertUser(a)} onClick={(v) => onFilter({ user: v })} plain={p?.layer === 4} />
        <Fact label="Source" value={alertSource(a)} onClick={(v) => onFilter({ ip: v })} plain={p?.layer === 4} />
        <Fact label="Destination" value={alertDestination(a)} onClick={(v) => onFilter({ ip: v })} plain={p?.layer === 4} />
        {a.socle.suppression && a.socle.suppression.suppressed > 0 && (
          <>
            <dt>Repeated</dt>
            <dd>
              {a.socle.suppression.suppressed + 1} times, {formatTime(a.socle.suppression.first)} to {formatTime(a.socle.suppression.last)}
            </dd>
          </>
        )}
        {a.socle.sharing?.shared && (
          <>
            <dt>Shared upward</dt>
            <dd>
              TLP:{a.socle.sharing.tlp ?? '?'} {a.socle.sharing.sharedAt ? `on ${formatTime(a.socle.sharing.sharedAt)}` : ''}
            </dd>
          </>
        )}
      </dl>
      <RuleSection alert={a} />
      {a.socle.correlation && <CorrelationSection alert={a} onOpen={onOpen} />}
      <MemberEvents detail={detail} national={p?.layer === 4} />
      {p?.layer !== 4 && (
        <TriagePanel
          detail={detail}
          history={history}
          readOnly={p?.readOnly ?? false}
          onChanged={(state) => {
            setDetail({ ...detail, triage: state });
            onTriaged(a.event.id, { status: state.status, ...(state.assignee ? { assignee: state.assignee } : {}) });
            void reloadHistory();
          }}
        />
      )}
      {p?.layer !== 4 && <Related alert={a} onOpen={onOpen} />}
    </aside>
  );
}

function Fact({ label, value, onClick, plain }: { label: string; value: string | undefined; onClick: (v: string) => void; plain?: boolean }) {
  if (!value) return null;
  if (plain) {
    return (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  }
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <button class="pivot" onClick={() => onClick(value)} title="Show the queue filtered on this value">
          {value}
        </button>
      </dd>
    </>
  );
}

function RuleSection({ alert: a }: { alert: Alert }) {
  const t = a.threat;
  const tactics = (t?.tactic?.id ?? []).map((id, i) => ({ id, name: t?.tactic?.name?.[i] ?? id, href: t?.tactic?.reference?.[i] ?? `https://attack.mitre.org/tactics/${id}/` }));
  const fromThreat = [...(t?.technique?.id ?? []), ...(t?.technique?.subtechnique?.id ?? [])];
  // Correlation alerts carry no threat fields; their Sigma tags (attack.t1110.003) name the techniques.
  const ids = fromThreat.length ? fromThreat : (a.tags ?? []).map((tag) => /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag)?.[1]?.toUpperCase()).filter((x): x is string => !!x);
  const techniques = ids.map((id) => ({ id, href: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/` }));
  return (
    <section class="section">
      <h3>Rule</h3>
      {a.rule.description && <p class="description">{a.rule.description}</p>}
      <dl class="facts">
        <dt>Rule id</dt>
        <dd class="mono">{a.rule.id}</dd>
        <dt>Level</dt>
        <dd>
          {a.socle.level} (severity {a.event.severity ?? '–'})
        </dd>
        <dt>Kind</dt>
        <dd>{a.rule.category ?? 'detection'}</dd>
        {a.rule.author && (
          <>
            <dt>Author</dt>
            <dd>
              {a.rule.author}
              {a.rule.version ? `, ${a.rule.version}` : ''}
            </dd>
          </>
        )}
        {tactics.length > 0 && (
          <>
            <dt>ATT&CK tactic</dt>
            <dd>
              {tactics.map((x) => (
                <a class="attack" href={x.href} target="_blank" rel="noopener noreferrer">
                  {x.id} {x.name}
                </a>
              ))}
            </dd>
          </>
        )}
        {techniques.length > 0 && (
          <>
            <dt>ATT&CK technique</dt>
            <dd>
              {techniques.map((x) => (
                <a class="attack" href={x.href} target="_blank" rel="noopener noreferrer">
                  {x.id}
                </a>
              ))}
            </dd>
          </>
        )}
        {a.rule.falsepositives?.length ? (
          <>
            <dt>False positives</dt>
            <dd>{a.rule.falsepositives.join('; ')}</dd>
          </>
        ) : null}
        {a.tags?.length ? (
          <>
            <dt>Tags</dt>
            <dd class="tags">
              {a.tags.map((tag) => (
                <span class="tag">{tag}</span>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** The member alerts of a correlation, placed on a timeline of its window (the rules it counts, within its group). */
function CorrelationSection({ alert: a, onOpen }: { alert: Alert; onOpen: (id: string) => void }) {
  const c = a.socle.correlation!;
  const [members, setMembers] = useState<Alert[] | undefined>();
  useEffect(() => {
    const p = new URLSearchParams({ from: c.window.start, to: new Date(Date.parse(c.window.end) + 1000).toISOString(), size: '200' });
    if (c.rules.length) p.set('rule', c.rules.join(','));
    const host = first(c.group['host.name']);
    const user = first(c.group['user.name']);
    const ip = first(c.group['source.ip']) ?? first(c.group['destination.ip']);
    if (host) p.set('host', host);
    if (user) p.set('user', user);
    if (ip) p.set('ip', ip);
    api.search(p).then((r) => setMembers(r.alerts.filter((m) => m.event.id !== a.event.id).reverse()), () => setMembers([]));
  }, [a.event.id]);
  const start = Date.parse(c.window.start);
  const span = Math.max(1, Date.parse(c.window.end) - start);
  return (
    <section class="section" data-testid="correlation">
      <h3>Correlation</h3>
      <dl class="facts">
        <dt>Type</dt>
        <dd>
          {c.type}, value {c.value}
        </dd>
        <dt>Window</dt>
        <dd class="mono">
          {formatTime(c.window.start)} → {formatTime(c.window.end)}
        </dd>
        <dt>Group</dt>
        <dd class="mono">
          {Object.entries(c.group)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
            .join('  ')}
        </dd>
        <dt>Member events</dt>
        <dd>
          {c.events.total} ({c.events.ids.slice(0, 6).join(', ')}
          {c.events.ids.length > 6 ? ', …' : ''})
        </dd>
      </dl>
      <h4>Member alerts on the window ({members?.length ?? '…'})</h4>
      <div class="timeline" data-testid="timeline">
        {(members ?? []).map((m) => {
          const x = (100 * (Date.parse(m['@timestamp']) - start)) / span;
          return (
            <button class="tl-item" onClick={() => onOpen(m.event.id)} title={`${formatTime(m['@timestamp'])} ${m.rule.name}`}>
              <span class="tl-track">
                <span class={`tl-dot level-${m.socle.level}`} style={{ left: `${Math.min(100, Math.max(0, x))}%` }} />
              </span>
              <span class="mono">{formatTime(m['@timestamp']).slice(11)}</span>
              <span>{m.rule.name}</span>
              <span class="muted">{alertHost(m) ?? alertUser(m) ?? ''}</span>
            </button>
          );
        })}
        {members?.length === 0 && <p class="muted">The member rules' own alerts are not stored (building blocks below the shown level) or not visible to you.</p>}
      </div>
    </section>
  );
}

/** The raw line the collector received and the ECS fields it became. */
function MemberEvents({ detail, national }: { detail: AlertDetail; national: boolean }) {
  const { members } = detail;
  return (
    <section class="section" data-testid="member-events">
      <h3>
        Events <span class="muted">({members.total})</span>
      </h3>
      {national && <p class="muted">Raw events are never shared upward.</p>}
      {!national && members.events.length === 0 && <p class="muted">No raw event stored with this alert{members.eventIds.length ? ` (event ids: ${members.eventIds.slice(0, 5).join(', ')})` : ''}.</p>}
      {members.events.map((event) => {
        const original = first((event.event as Record<string, unknown> | undefined)?.original) ?? first(event.message);
        const fields = flatten(event).filter(([k]) => k !== 'event.original');
        return (
          <div class="member-event">
            {original !== undefined && (
              <>
                <div class="label">event.original</div>
                <pre class="raw" data-testid="raw-line">
                  {original}
                </pre>
              </>
            )}
            <details open={fields.length <= 30}>
              <summary>{fields.length} ECS fields</summary>
              <table class="fields">
                <tbody>
                  {fields.map(([k, v]) => (
                    <tr>
                      <th class="mono">{k}</th>
                      <td class="mono">{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </div>
        );
      })}
    </section>
  );
}

/** Other alerts on the same host, user or source address (what the signed-in principal may see). */
function Related({ alert: a, onOpen }: { alert: Alert; onOpen: (id: string) => void }) {
  const pivots = [
    { key: 'host', label: 'Same host', value: alertHost(a) },
    { key: 'user', label: 'Same user', value: alertUser(a) },
    { key: 'ip', label: 'Same source address', value: alertSource(a) },
  ].filter((x) => x.value);
  const [results, setResults] = useState<Record<string, { alerts: Alert[]; total: number }>>({});
  useEffect(() => {
    for (const p of pivots) {
      api.search(new URLSearchParams({ [p.key]: p.value!, size: '8' })).then(
        (r) => setResults((prev) => ({ ...prev, [p.key]: { alerts: r.alerts.filter((x) => x.event.id !== a.event.id), total: r.total - 1 } })),
        () => undefined,
      );
    }
  }, [a.event.id]);
  if (pivots.length === 0) return null;
  return (
    <section class="section" data-testid="related">
      <h3>Related alerts</h3>
      {pivots.map((p) => (
        <div class="related">
          <h4>
            {p.label} <span class="mono">{p.value}</span> <span class="muted">({Math.max(0, results[p.key]?.total ?? 0)})</span>
          </h4>
          <ul>
            {(results[p.key]?.alerts ?? []).slice(0, 6).map((r) => (
              <li>
                <button class="link" onClick={() => onOpen(r.event.id)}>
                  <span class="mono">{formatTime(r['@timestamp'])}</span> <span class={`badge level-${r.socle.level}`}>{r.socle.level}</span> {r.rule.name}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
