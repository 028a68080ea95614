import { errorMessage } from '@socle/core';
import { stat } from 'node:fs/promises';
import type { Alert } from '@socle/core';
import type { Command } from 'commander';
import { AlertJournal, JournalAlertStore, SEVERITY_LEVELS, BadRequestError, parseCountKey, parseSearchParams, type AlertCount, type AlertPage, type AlertQuery, JournalTriageStore } from '@socle/api';
import { formatAlertTable } from '../alert-table.ts';

interface SourceOptions {
  journal?: string;
  triage?: string;
  url?: string;
  token?: string;
  json: boolean;
}

interface SearchOptions extends SourceOptions {
  from?: string;
  to?: string;
  severity?: string;
  rule?: string;
  technique?: string;
  host?: string;
  user?: string;
  ip?: string;
  organization?: string;
  status?: string;
  q?: string;
  cursor?: string;
  size?: string;
}

interface CountOptions extends SearchOptions {
  by: string;
}

const FILTERS = ['from', 'to', 'severity', 'rule', 'technique', 'host', 'user', 'ip', 'organization', 'status', 'q'] as const;

function sourceOptions(command: Command): Command {
  return command
    .option('--journal <dir>', 'alert journal folder (query it directly)')
    .option('--triage <dir>', 'triage journal folder, for --status with --journal')
    .option('--url <url>', 'query a running alert API instead (e.g. http://127.0.0.1:9280)')
    .option('--token <token>', 'API token for --url (default: $SOCLE_TOKEN)')
    .option('--json', 'print JSON', false);
}

function filterOptions(command: Command): Command {
  return command
    .option('--from <time>', 'at or after this time: ISO 8601, epoch ms, or relative (now-15m, 24h, 7d)')
    .option('--to <time>', 'before this time (same forms)')
    .option('--severity <levels>', `comma-separated: ${SEVERITY_LEVELS.join(', ')}`)
    .option('--rule <rules>', 'comma-separated rule ids or names (a name is matched whole, case-insensitive)')
    .option('--technique <ids>', 'comma-separated ATT&CK technique ids (T1059, T1059.001)')
    .option('--host <name>', 'host.name')
    .option('--user <name>', 'user.name')
    .option('--ip <address>', 'source.ip or destination.ip')
    .option('--organization <ids>', 'comma-separated organization.id (narrowed to the token scope with --url)')
    .option('--status <statuses>', 'comma-separated triage status: open, acknowledged, closed')
    .option('-q, --q <text>', 'free text in rule, host, user, addresses, techniques, correlation group');
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('Query alerts: an alert journal written by `socle run`/`socle demo`, or a running alert API');
  filterOptions(sourceOptions(alerts.command('search')))
    .description('Alerts matching every filter; pages run from the newest alerts to the oldest, each printed in time order')
    .option('--cursor <cursor>', 'next page, as printed by the previous search')
    .option('--size <n>', 'page size', '50')
    .action(async (opts: SearchOptions) => {
      process.exitCode = await search(opts);
    });
  filterOptions(sourceOptions(alerts.command('counts')))
    .description('Alert counts by rule, severity or organisation')
    .option('--by <key>', 'rule, severity or organization', 'rule')
    .action(async (opts: CountOptions) => {
      process.exitCode = await counts(opts);
    });
}

/** The options as the API's query string, so both paths share one parser and the same errors. */
function toParams(opts: SearchOptions, extra: Record<string, string | undefined> = {}, now = Date.now()): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (opts[key] !== undefined && opts[key] !== '') params.set(key, String(opts[key]));
  for (const key of ['from', 'to'] as const) {
    const value = params.get(key);
    if (value) params.set(key, resolveRelativeTime(value, now, `--${key}`));
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  return params;
}

const RELATIVE_TIME = /^(?:now-)?(\d{1,6})([smhdw])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `now`, `now-15m` or `15m` (s, m, h, d, w) as ISO 8601 at `now`; anything else is left to the API's parser. */
export function resolveRelativeTime(text: string, now: number, option = 'time'): string {
  if (text === 'now') return new Date(now).toISOString();
  const m = RELATIVE_TIME.exec(text);
  if (!m) return text;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms > now) throw new BadRequestError(`${option}: '${text}' reaches before 1970`);
  return new Date(now - ms).toISOString();
}

/**
 * Rule names in `--rule` become the ids of the rules of that name (found through the free-text search, so the
 * same for a journal and a running API); a value that is already a rule id, or that names no rule, stays as it is.
 */
async function resolveRuleNames(source: Source, params: URLSearchParams): Promise<void> {
  const values = params.get('rule')?.split(',').map((v) => v.trim()).filter(Boolean);
  if (!values?.length) return;
  const out: string[] = [];
  for (const value of values) {
    const byId = await source.counts(new URLSearchParams({ by: 'rule', rule: value }));
    if (byId.length || !/\s/.test(value)) {
      out.push(value);
      continue;
    }
    const page = await source.search(new URLSearchParams({ q: value, size: '1000' }));
    const ids = [...new Set(page.alerts.filter((a) => a.rule.name.toLowerCase() === value.toLowerCase()).map((a) => a.rule.id))];
    out.push(...(ids.length ? ids : [value]));
  }
  params.set('rule', out.join(','));
}

interface Source {
  search(params: URLSearchParams): Promise<AlertPage>;
  counts(params: URLSearchParams): Promise<AlertCount[]>;
  close(): Promise<void>;
}

async function openSource(opts: SourceOptions): Promise<Source> {
  if (opts.url && opts.journal) throw new Error('give either --journal or --url, not both');
  if (opts.url) return remoteSource(opts.url, opts.token ?? process.env.SOCLE_TOKEN);
  if (!opts.journal) throw new Error('give --journal <dir> or --url <url>');
  return journalSource(opts.journal, opts.triage);
}

async function journalSource(dir: string, triageDir: string | undefined): Promise<Source> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--journal ${dir}: no such folder`);
  const journal = await AlertJournal.open(dir);
  for (const w of journal.warnings) process.stderr.write(`socle alerts: ${w}\n`);
  const store = new JournalAlertStore(journal);
  const triage = triageDir ? await JournalTriageStore.open(triageDir) : undefined;
  for (const w of triage?.warnings ?? []) process.stderr.write(`socle alerts: ${w}\n`);
  const withStatus = async (params: URLSearchParams, extra: string[]): Promise<AlertQuery> => {
    const { query, status } = parseSearchParams(params, extra);
    if (!status || status.length === 3) return query;
    if (!triage) throw new BadRequestError('--status: give --triage <dir> to filter by triage status');
    if (status.includes('open')) {
      const excluded = (await Promise.all((['acknowledged', 'closed'] as const).filter((s) => !status.includes(s)).map((s) => triage.idsWithStatus(s)))).flat();
      return { ...query, excludeIds: excluded };
    }
    return { ...query, ids: (await Promise.all(status.map((s) => triage.idsWithStatus(s as 'acknowledged' | 'closed')))).flat() };
  };
  return {
    search: async (params) => store.search(await withStatus(params, [])),
    counts: async (params) => store.aggregate(parseCountKey(params.get('by') ?? undefined), await withStatus(params, ['by'])),
    close: async () => {
      await triage?.close();
      await journal.close();
    },
  };
}

function remoteSource(base: string, token: string | undefined): Source {
  const get = async (path: string, params: URLSearchParams): Promise<unknown> => {
    const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
    url.search = params.toString();
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new Error(`${url.origin}${url.pathname}: ${res.status} ${body.error ?? res.statusText}`);
    return body;
  };
  return {
    search: async (params) => (await get('alerts', params)) as AlertPage,
    counts: async (params) => ((await get('alerts/_counts', params)) as { counts: AlertCount[] }).counts,
    close: async () => {},
  };
}

async function search(opts: SearchOptions): Promise<number> {
  try {
    const params = toParams(opts, { cursor: opts.cursor, size: opts.size });
    parseSearchParams(params); // fail on a bad option before opening anything
    const source = await openSource(opts);
    try {
      await resolveRuleNames(source, params);
      const page = await source.search(params);
      if (opts.json) {
        process.stdout.write(JSON.stringify(page) + '\n');
        return 0;
      }
      const alerts: Alert[] = [...page.alerts].reverse();
      const lines = formatAlertTable(alerts, { includeInformational: true, fold: false, showId: true, showDate: true, color: process.stdout.isTTY && !process.env.NO_COLOR });
      process.stdout.write(lines.join('\n') + '\n');
      process.stdout.write(`${page.alerts.length} of ${page.total} alerts${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}\n`);
      return 0;
    } finally {
      await source.close();
    }
  } catch (err) {
    process.stderr.write(`socle alerts search: ${errorMessage(err)}\n`);
    return 2;
  }
}

async function counts(opts: CountOptions): Promise<number> {
  try {
    const by = parseCountKey(opts.by);
    const params = toParams(opts, { by });
    parseSearchParams(params, ['by']);
    const source = await openSource(opts);
    try {
      await resolveRuleNames(source, params);
      const result = await source.counts(params);
      if (opts.json) process.stdout.write(JSON.stringify({ by, counts: result }) + '\n');
      else for (const c of result) process.stdout.write(`${String(c.count).padStart(6)}  ${c.key}\n`);
      return 0;
    } finally {
      await source.close();
    }
  } catch (err) {
    process.stderr.write(`socle alerts counts: ${errorMessage(err)}\n`);
    return 2;
  }
}
