import { startAccessApi, type AccessApiConfig, type AdminAdapters, type AlertStore, type RunningAccessApi, type TriageStore } from '@socle/api';
import { CONSOLE_ASSETS_DIR } from '@socle/console';
import type { ReloadResult } from '../reload/rule-set-reloader.ts';
import type { JsonLogger } from './json-logger.ts';

export interface ServeApiOptions {
  /** The `api:` section (`ServiceConfig['api']`). */
  api: AccessApiConfig;
  store: AlertStore;
  /** Triage shared by the cluster (`ElasticsearchTriageStore`); else `api.triage`, a journal per worker. */
  triage?: TriageStore;
  reload: () => Promise<ReloadResult>;
  logger: JsonLogger;
  health?: () => Record<string, unknown>;
  /** The sharing policies in force, for `GET /admin/sharing-policies`. */
  sharingPolicies?: AdminAdapters['sharingPolicies'];
  /** Replaces one organisation's policy file, for `PUT /admin/sharing-policies/<org>`. */
  writeSharingPolicy?: AdminAdapters['writeSharingPolicy'];
  now?: () => number;
}

export type RunningServeApi = RunningAccessApi;

/**
 * The alert API of `socle serve`, assembled by `startAccessApi` exactly as `socle run` assembles it (tokens, layers,
 * audit, triage, admin routes); only the store (Elasticsearch) and the reload adapter are this mode's own.
 */
export async function startServeApi(options: ServeApiOptions): Promise<RunningServeApi> {
  const { api, logger } = options;
  const running = await startAccessApi(api, {
    store: options.store,
    ...(options.triage ? { triage: options.triage } : {}),
    admin: { reloadRules: options.reload, ...(options.sharingPolicies ? { sharingPolicies: options.sharingPolicies } : {}), ...(options.writeSharingPolicy ? { writeSharingPolicy: options.writeSharingPolicy } : {}) },
    health: options.health,
    logger,
    ...(options.now ? { now: options.now } : {}),
    consoleAssetsDir: CONSOLE_ASSETS_DIR,
  });
  logger.info('alert API listening', { url: running.url, mode: running.mode === 'tokens' ? 'tokens' : 'laptop (loopback, unauthenticated)', triage: options.triage ? 'elasticsearch (shared)' : (api.triage ?? 'none') });
  return running;
}
