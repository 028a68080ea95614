import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { formatTime } from './time.ts';
import type { AlertDetail, AlertHistory, TriageActor, TriageChange, TriageState, TriageStatus } from './types.ts';

const STATUSES: TriageStatus[] = ['open', 'acknowledged', 'closed'];

/** Status, assignee, tags and notes, with the full trail of who changed what; read-only principals only read. */
export function TriagePanel({ detail, history, readOnly, onChanged }: { detail: AlertDetail; history?: AlertHistory; readOnly: boolean; onChanged: (s: TriageState) => void }) {
  const t = detail.triage;
  const id = detail.alert.event.id;
  const [assignee, setAssignee] = useState(t.assignee ?? '');
  const [tag, setTag] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const change = async (c: TriageChange) => {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.triage(id, c));
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="section triage" data-testid="triage">
      <h3>Triage</h3>
      <div class="triage-row">
        <span class="label">Status</span>
        {STATUSES.map((s) => (
          <button class={`chip status ${t.status === s ? 'on' : ''}`} disabled={readOnly || busy || t.status === s} onClick={() => change({ status: s })} data-testid={`status-${s}`}>
            {s}
          </button>
        ))}
      </div>
      <div class="triage-row">
        <span class="label">Assignee</span>
        {readOnly ? (
          <span>{t.assignee ?? '–'}</span>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void change({ assignee: assignee.trim() || null });
            }}
          >
            <input name="assignee" value={assignee} placeholder="unassigned" onInput={(e) => setAssignee((e.target as HTMLInputElement).value)} />
            <button disabled={busy || assignee.trim() === (t.assignee ?? '')}>Assign</button>
          </form>
        )}
      </div>
      <div class="triage-row">
        <span class="label">Tags</span>
        {t.tags.map((x) => (
          <span class="tag">
            {x}
            {!readOnly && (
              <button class="tag-x" aria-label={`Remove tag ${x}`} onClick={() => change({ removeTags: [x] })}>
                ×
              </button>
            )}
          </span>
        ))}
        {!readOnly && (
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              if (tag.trim() && (await change({ addTags: [tag.trim()] }))) setTag('');
            }}
          >
            <input name="tag" value={tag} placeholder="add tag" style={{ width: '110px' }} onInput={(e) => setTag((e.target as HTMLInputElement).value)} />
          </form>
        )}
      </div>
      {!readOnly && (
        <form
          class="note-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (note.trim() && (await change({ note: note.trim() }))) setNote('');
          }}
        >
          <textarea name="note" rows={2} placeholder="Add a note (what you checked, what you found)" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          <button class="primary" disabled={busy || !note.trim()}>
            Add note
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h4>History</h4>
      <ol class="history" data-testid="history">
        {(history?.entries ?? []).map((e) => (
          <li>
            <span class="mono">{formatTime(e.at)}</span> <span class="actor">{actor(e.by)}</span> {describe(e.change)}
          </li>
        ))}
        {history && history.entries.length === 0 && <li class="muted">Nobody has triaged this alert yet.</li>}
      </ol>
    </section>
  );
}

function actor(by: TriageActor): string {
  return `${by.tokenId.slice(0, 8)}${by.layer ? ` (L${by.layer}${by.role ? ` ${by.role}` : ''})` : ''}`;
}

function describe(c: TriageChange): string {
  const parts: string[] = [];
  if (c.status) parts.push(`set status to ${c.status}`);
  if (c.assignee !== undefined) parts.push(c.assignee === null ? 'unassigned' : `assigned to ${c.assignee}`);
  if (c.addTags?.length) parts.push(`tagged ${c.addTags.join(', ')}`);
  if (c.removeTags?.length) parts.push(`removed tag ${c.removeTags.join(', ')}`);
  if (c.note) parts.push(`noted: “${c.note}”`);
  return parts.join('; ');
}
