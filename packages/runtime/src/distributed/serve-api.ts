import { existsSync } from 'node:fs';
import { FileAccessAuditLog, FileTokenStore, startAlertApi, type RunningAlertApi, type AlertStore, JournalTriageStore } from '@socle/api';
import { CONSOLE_ASSETS_DIR } from '@socle/console';
import { mountAdminReload } from '../reload/admin-reload-route.ts';
import type { ReloadResult } from '../reload/rule-set-reloader.ts';
import type { JsonLogger } from './json-logger.ts';
import type { ServiceConfig } from './service-config.ts';

export interface ServeApiOptions {
  api: NonNullable<ServiceConfig['api']>;
  store: AlertStore;
  reload: () => Promise<ReloadResult>;
  logger: JsonLogger;
  health?: () => Record<string, unknown>;
}

export interface RunningServeApi extends RunningAlertApi {
  /** The token store in use, if any. */
  tokens?: FileTokenStore;
}

/**
 * The alert API of `socle serve`: token mode when `api.tokens` names a token store (every request authenticated,
 * scoped and audited; `POST /admin/reload` for admin tokens only), else laptop mode on a loopback address only.
 * Triage lives in the embedded journal triage store under `api.triage` (a clustered triage store is not written yet).
 */
export async function startServeApi(options: ServeApiOptions): Promise<RunningServeApi> {
  const { api, logger } = options;
  const log = (line: string) => logger.warn(line);
  let tokens: FileTokenStore | undefined;
  if (api.tokens) {
    if (!existsSync(api.tokens)) logger.warn('the token store does not exist yet: every request is refused until tokens are created', { tokens: api.tokens });
    tokens = new FileTokenStore(api.tokens);
  }
  const audit = api.audit ? new FileAccessAuditLog(api.audit) : undefined;
  const triage = api.triage ? await JournalTriageStore.open(api.triage) : undefined;
  for (const w of triage?.warnings ?? []) logger.warn('triage store', { warning: w });
  const i = api.listen.lastIndexOf(':');
  const host = api.listen.slice(0, i).replace(/^\[|\]$/g, '');
  let running: RunningAlertApi;
  try {
    running = await startAlertApi({ store: options.store, tokens, audit, triage, health: options.health, log, ...(api.console !== false ? { console: { assetsDir: CONSOLE_ASSETS_DIR, sessionTtlMs: api.sessionTtlMs } } : {}) }, host, Number(api.listen.slice(i + 1)));
  } catch (err) {
    await triage?.close();
    throw err;
  }
  mountAdminReload(running.server, { reload: options.reload, tokens, log });
  logger.info('alert API listening', { url: running.url, mode: tokens ? 'tokens' : 'laptop (loopback, unauthenticated)', triage: api.triage ?? 'none' });
  return {
    ...running,
    tokens,
    close: async () => {
      await running.close();
      await triage?.close();
    },
  };
}
