/**
 * Times as analysts type them: `now`, `now-15m`, `now-24h`, `now-7d` (units s, m, h, d, w), ISO 8601, or
 * `2026-03-14 09:30` (read as UTC). Relative times stay relative in the URL and are resolved at each query.
 */
const RELATIVE = /^now(?:-(\d{1,6})([smhdw]))?$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Epoch ms of a time expression at `now`; throws a RangeError naming the text when it is not one. */
export function resolveTime(text: string, now: number): number {
  const t = text.trim();
  const rel = RELATIVE.exec(t);
  if (rel) return rel[1] ? now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS] : now;
  const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(t) ? `${t.replace(' ', 'T')}Z` : t;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(spaced) ? Date.parse(spaced) : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`'${t.slice(0, 40)}' is not a time (use now-15m, now-24h, now-7d, 2026-03-14 09:30 or ISO 8601)`);
  return ms;
}

export function isTimeExpression(text: string): boolean {
  try {
    resolveTime(text, 0);
    return true;
  } catch {
    return false;
  }
}

/** `2026-03-14 09:31:29` in UTC: the console shows every time in UTC, as the alerts carry it. */
export function formatTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

/** `in 3 d 4 h`, `in 12 min`, `expired`. */
export function formatRemaining(untilIso: string, now: number): string {
  const ms = Date.parse(untilIso) - now;
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms <= 0) return 'expired';
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `in ${h} h ${min % 60} min`;
  return `in ${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A histogram interval for a span of time: about 40 to 100 bars. */
export function intervalFor(spanMs: number): string {
  const choices: [string, number][] = [['1m', 60_000], ['5m', 300_000], ['15m', 900_000], ['1h', 3_600_000], ['3h', 10_800_000], ['12h', 43_200_000], ['1d', 86_400_000]];
  for (const [name, ms] of choices) if (spanMs / ms <= 100) return name;
  return '1d';
}
