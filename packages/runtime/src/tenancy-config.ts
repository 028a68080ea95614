import { z } from 'zod';

/**
 * `tenancy:` in `socle run` and `socle serve` configurations: what the engine needs to keep organisations apart
 * (`@socle/core` EngineOptions `defaultOrganization` and `socs`). The engine checks the SOC map itself (an
 * organisation in one SOC at most, a SOC id that is no organisation) and refuses to start on a bad one.
 */
export const tenancyConfigSchema = z
  .strictObject({
    /** The organisation of events that carry no `organization.id`. */
    defaultOrganization: z.string().min(1).default('default'),
    /** SOC id -> its member organisations; correlation rules with `socle.scope: soc` correlate across them. */
    socs: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
  })
  .default({ defaultOrganization: 'default', socs: {} });

export type TenancyConfig = z.output<typeof tenancyConfigSchema>;
