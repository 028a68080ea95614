import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { activeFilterCount, emptyFilters, TIME_PRESETS, toggle, type Filters } from './filters.ts';
import { isTimeExpression } from './time.ts';

const LEVELS = ['critical', 'high', 'medium', 'low', 'informational'];
const STATUSES = ['open', 'acknowledged', 'closed'];

/** Every filter the API takes; text fields apply on Enter or when they lose focus. */
export function FilterBar({ filters, onChange, searchRef, showOrganization, sharedOnly }: { filters: Filters; onChange: (f: Filters) => void; searchRef: RefObject<HTMLInputElement>; showOrganization: boolean; sharedOnly: boolean }) {
  const preset = TIME_PRESETS.find((p) => p.from === filters.from && !filters.to);
  const [custom, setCustom] = useState(!preset);
  useEffect(() => setCustom(!preset), [filters.from, filters.to]);
  const text = (key: 'host' | 'user' | 'ip' | 'q', label: string, width = 110, ref?: RefObject<HTMLInputElement>) => (
    <TextFilter key={key} name={key} label={label} value={filters[key] ?? ''} width={width} inputRef={ref} onCommit={(v) => onChange({ ...filters, [key]: v || undefined })} />
  );
  const list = (key: 'rule' | 'technique' | 'organization', label: string, width = 110) => (
    <TextFilter key={key} name={key} label={label} value={filters[key].join(',')} width={width} onCommit={(v) => onChange({ ...filters, [key]: v.split(',').map((s) => s.trim()).filter(Boolean) })} />
  );
  return (
    <div class="filters" role="search">
      <div class="row">
        {/* Layer 4 reads shared views: the API refuses filters on personal fields and triage (host, user, ip, q, status). */}
        {!sharedOnly && text('q', 'Search rule, host, user, address…', 230, searchRef)}
        <select
          aria-label="Time range"
          name="time"
          value={custom ? 'custom' : String(TIME_PRESETS.indexOf(preset!))}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (v === 'custom') return setCustom(true);
            const p = TIME_PRESETS[Number(v)];
            onChange({ ...filters, from: p.from, to: undefined });
          }}
        >
          {TIME_PRESETS.map((p, i) => (
            <option value={String(i)}>{p.label}</option>
          ))}
          <option value="custom">Custom…</option>
        </select>
        {custom && (
          <>
            <TextFilter name="from" label="from: now-2h, 2026-03-14 09:00" value={filters.from ?? ''} width={170} validate={isTimeExpression} onCommit={(v) => onChange({ ...filters, from: v || undefined })} />
            <TextFilter name="to" label="to (exclusive)" value={filters.to ?? ''} width={150} validate={isTimeExpression} onCommit={(v) => onChange({ ...filters, to: v || undefined })} />
          </>
        )}
        <span class="chips" aria-label="Severity">
          {LEVELS.map((l) => (
            <button type="button" class={`chip level-${l} ${filters.severity.includes(l) ? 'on' : ''}`} aria-pressed={filters.severity.includes(l)} onClick={() => onChange(toggle(filters, 'severity', l))}>
              {l === 'informational' ? 'info' : l}
            </button>
          ))}
        </span>
        {!sharedOnly && <span class="chips" aria-label="Status">
          {STATUSES.map((s) => (
            <button type="button" class={`chip status ${filters.status.includes(s) ? 'on' : ''}`} aria-pressed={filters.status.includes(s)} onClick={() => onChange(toggle(filters, 'status', s))}>
              {s}
            </button>
          ))}
        </span>}
      </div>
      <div class="row">
        {!sharedOnly && text('host', 'host')}
        {!sharedOnly && text('user', 'user')}
        {!sharedOnly && text('ip', 'IP address')}
        {list('technique', 'ATT&CK T1059,…', 120)}
        {list('rule', 'rule id,…', 130)}
        {showOrganization && list('organization', 'organisation,…', 120)}
        {activeFilterCount(filters) > 0 && (
          <button type="button" class="ghost" onClick={() => onChange(emptyFilters())}>
            Clear {activeFilterCount(filters)} filter{activeFilterCount(filters) > 1 ? 's' : ''}
          </button>
        )}
      </div>
    </div>
  );
}

function TextFilter({ name, label, value, width, onCommit, validate, inputRef }: { name: string; label: string; value: string; width: number; onCommit: (v: string) => void; validate?: (v: string) => boolean; inputRef?: RefObject<HTMLInputElement> }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const invalid = draft.trim() !== '' && validate !== undefined && !validate(draft);
  const commit = () => {
    if (!invalid && draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <input
      ref={inputRef}
      name={name}
      class={`text-filter ${invalid ? 'invalid' : ''} ${value ? 'active' : ''}`}
      style={{ width: `${width}px` }}
      placeholder={label}
      aria-label={label}
      title={invalid ? `${label}: not a time` : label}
      value={draft}
      onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      onBlur={commit}
    />
  );
}
