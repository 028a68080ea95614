import { z } from 'zod';

/**
 * Rules hot reload settings, shared by `socle run` and `socle serve`: with `watch`, a change under the rule folders
 * (or to a pipeline or placeholders file) reloads the rule set after `debounceMs` of quiet; `POST /admin/reload`
 * reloads on demand either way. `pollIntervalMs` is for files, and folders the platform cannot watch.
 */
export const reloadConfigSchema = z
  .strictObject({
    watch: z.boolean().default(true),
    debounceMs: z.number().int().min(0).default(500),
    pollIntervalMs: z.number().int().min(50).default(1000),
  })
  .default({ watch: true, debounceMs: 500, pollIntervalMs: 1000 });
