/**
 * The one assembly of the alert API, used by `socle run` (embedded) and `socle serve` (distributed) alike: the same
 * token store, layers and roles, audit trail, triage store and admin routes, built from the same configuration keys.
 * The modes differ only in adapters: the alert store (journal or Elasticsearch), the rule reload, health facts.
 */
import type { Logger } from '@socle/core';
import { existsSync } from 'node:fs';
import { FileAccessAuditLog } from '../access/access-audit-log.ts';
import { FileTokenStore } from '../access/token-store.ts';
import type { AlertStore } from '../ports.ts';
import { JournalTriageStore } from '../triage/journal-triage-store.ts';
import type { TriageStore } from '../triage/triage-store.ts';
import type { AdminAdapters } from './admin-routes.ts';
import { startAlertApi, type RunningAlertApi } from './alert-api.ts';
import { isLoopback } from './request-guard.ts';

/** The `api:` section of both `socle run` and `socle serve` configurations (paths already resolved). */
export interface AccessApiConfig {
  /** `host:port`. */
  listen: string;
  /** Token store file (`socle tokens create --store`); without it: laptop mode, loopback only, unauthenticated. */
  tokens?: string;
  /** Access audit trail (NDJSON, 0600); required with `tokens`. */
  audit?: string;
  /** Folder of the triage store (`triage.ndjson`); without it triage writes answer 501. */
  triage?: string;
  /** Further Host names clients use (reverse proxy, DNS name); the listen address and loopback names always pass. */
  allowedHosts?: readonly string[];
  /** Serve the analysts' console at `/ui/` (default true when the adapters name its files). */
  console?: boolean;
  /** Console session lifetime in ms (default one hour, never past the token's expiry). */
  sessionTtlMs?: number;
}

/** What each mode plugs in. */
export interface AccessApiAdapters {
  store: AlertStore;
  /** A triage store of the mode's own (shared by a cluster); `config.triage` (a journal folder) otherwise. */
  triage?: TriageStore;
  admin?: AdminAdapters;
  health?: () => Record<string, unknown>;
  logger: Logger;
  now?: () => number;
  /** The console's built files (`@socle/console`'s CONSOLE_ASSETS_DIR). */
  consoleAssetsDir?: string;
}

export interface RunningAccessApi extends RunningAlertApi {
  mode: 'tokens' | 'laptop';
  tokens?: FileTokenStore;
  triage?: JournalTriageStore;
  audit?: FileAccessAuditLog;
}

/** Checks a configuration the way both modes' config loaders report it: `[key, message]` pairs. */
export function accessApiConfigProblems(config: AccessApiConfig): Array<[key: 'audit' | 'listen', message: string]> {
  const problems: Array<['audit' | 'listen', string]> = [];
  if (config.tokens && !config.audit) problems.push(['audit', 'a token store needs an access audit log file (auditor reads must be recorded)']);
  const { host } = splitListen(config.listen);
  if (!config.tokens && !isLoopback(host)) problems.push(['listen', `without a token store (api.tokens) the alert API only listens on a loopback address, not ${config.listen}`]);
  return problems;
}

export function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  return { host: listen.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(listen.slice(at + 1)) };
}

export async function startAccessApi(config: AccessApiConfig, adapters: AccessApiAdapters): Promise<RunningAccessApi> {
  const problem = accessApiConfigProblems(config)[0];
  if (problem) throw new Error(`api.${problem[0]}: ${problem[1]}`);
  const { logger } = adapters;
  let tokens: FileTokenStore | undefined;
  if (config.tokens) {
    if (!existsSync(config.tokens)) logger.warn('token store does not exist yet: every request is refused until tokens are created', { tokens: config.tokens });
    tokens = new FileTokenStore(config.tokens);
  }
  const audit = config.audit ? new FileAccessAuditLog(config.audit) : undefined;
  const triage = !adapters.triage && config.triage ? await JournalTriageStore.open(config.triage) : undefined;
  for (const w of triage?.warnings ?? []) logger.warn(`triage store: ${w}`);
  const { host, port } = splitListen(config.listen);
  let running: RunningAlertApi;
  try {
    running = await startAlertApi(
      {
        store: adapters.store,
        tokens,
        audit,
        triage: adapters.triage ?? triage,
        health: adapters.health,
        logger,
        ...(adapters.now ? { now: adapters.now } : {}),
        allowedHosts: config.allowedHosts ?? [],
        admin: adapters.admin ?? {},
        ...(adapters.consoleAssetsDir && config.console !== false ? { console: { assetsDir: adapters.consoleAssetsDir, sessionTtlMs: config.sessionTtlMs } } : {}),
      },
      host,
      port,
    );
  } catch (err) {
    await triage?.close();
    throw err;
  }
  return {
    ...running,
    mode: tokens ? 'tokens' : 'laptop',
    tokens,
    triage,
    audit,
    close: async () => {
      await running.close();
      await triage?.close();
    },
  };
}
