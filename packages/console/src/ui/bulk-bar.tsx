import { useState } from 'preact/hooks';
import { api } from './api.ts';
import type { TriageChange, TriageSummary } from './types.ts';

/** Triage of the selected alerts in one go: each change is a triage write of its own, in the trail of its alert. */
export function BulkBar({ ids, onDone }: { ids: string[]; onDone: (updates: Record<string, TriageSummary>) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [assignee, setAssignee] = useState('');
  const apply = async (change: TriageChange) => {
    setBusy(true);
    setError(undefined);
    const updates: Record<string, TriageSummary> = {};
    const failed: string[] = [];
    for (const id of ids) {
      try {
        const s = await api.triage(id, change);
        updates[id] = { status: s.status, ...(s.assignee ? { assignee: s.assignee } : {}) };
      } catch (err) {
        failed.push(`${id}: ${(err as Error).message}`);
      }
    }
    setBusy(false);
    if (failed.length) setError(`${failed.length} not changed: ${failed.slice(0, 3).join('; ')}`);
    onDone(updates);
  };
  return (
    <div class="bulk" data-testid="bulk-bar">
      <strong>{ids.length} selected</strong>
      <button disabled={busy} onClick={() => apply({ status: 'acknowledged' })}>
        Acknowledge
      </button>
      <button disabled={busy} onClick={() => apply({ status: 'closed' })}>
        Close
      </button>
      <button disabled={busy} onClick={() => apply({ status: 'open' })}>
        Reopen
      </button>
      <input placeholder="assignee" value={assignee} onInput={(e) => setAssignee((e.target as HTMLInputElement).value)} style={{ width: '120px' }} />
      <button disabled={busy || !assignee.trim()} onClick={() => apply({ assignee: assignee.trim() })}>
        Assign
      </button>
      {error && <span class="error">{error}</span>}
    </div>
  );
}
