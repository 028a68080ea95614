/**
 * What one organisation lets its SOC share upward: which alerts (minimum level, rules by id or tag), with which TLP
 * marking, and what happens to personal data (users, e-mail addresses, internal host names and addresses).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseValidatedYaml } from '@socle/core';
import { SEVERITY_LEVELS } from '@socle/api';
import type { Destination } from './signed-bundle.ts';
import { TLP_LEVELS } from './tlp.ts';

export const PERSONAL_DATA_TREATMENTS = ['pseudonymise', 'redact', 'share'] as const;
export type PersonalDataTreatment = (typeof PERSONAL_DATA_TREATMENTS)[number];

const treatment = z.enum(PERSONAL_DATA_TREATMENTS).default('pseudonymise');
const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR block such as 10.20.0.0/16');

const policySchema = z
  .object({
    organization: z.string().min(1),
    /** Shown in the STIX identity of the organisation; defaults to the id. */
    organizationName: z.string().min(1).optional(),
    /**
     * The TAXII collection this organisation's bundles are shared into (default: the organisation id). Policies
     * naming the same collection form a sharing group; readers still see each object by its organisation and TLP.
     */
    collection: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, . _ -; at most 128').optional(),
    /** The SOC that shares (the `created_by_ref` identity). */
    sharedBy: z.string().min(1),
    minimumSeverity: z.enum(SEVERITY_LEVELS).default('medium'),
    /**
     * Alerts that name no organisation (a correlation grouped by source address only) are kept unless this is
     * true; set it where the SOC serves this one organisation, so every alert is its.
     */
    includeUnattributed: z.boolean().default(false),
    rules: z
      .object({
        /** Rule ids or tags (e.g. `attack.credential-access`); empty: every rule. */
        allow: z.array(z.string().min(1)).default([]),
        deny: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ allow: [], deny: [] }),
    tlp: z.enum(TLP_LEVELS).default('AMBER'),
    personalData: z
      .object({
        users: treatment,
        emails: treatment,
        internalHosts: treatment,
        internalAddresses: treatment,
      })
      .strict()
      .default({ users: 'pseudonymise', emails: 'pseudonymise', internalHosts: 'pseudonymise', internalAddresses: 'pseudonymise' }),
    /** Added to the private, loopback, link-local and shared ranges, which are always internal. */
    internalNetworks: z.array(cidr).default([]),
    /** Domain suffixes that name internal hosts (single-label names always do). */
    internalDomains: z.array(z.string().min(1)).default([]),
    /** Where the HMAC key for pseudonyms comes from: an environment variable or a file (never the policy itself). */
    pseudonymKey: z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()]).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const usesPseudonyms = Object.values(p.personalData).includes('pseudonymise');
    if (usesPseudonyms && !p.pseudonymKey) {
      ctx.addIssue({ code: 'custom', path: ['pseudonymKey'], message: 'required when personalData pseudonymises: {env: VAR} or {file: path}' });
    }
  });

export type SharingPolicy = z.output<typeof policySchema> & { /** folder of the policy file, for relative key paths */ baseDir: string };

/** Parses a policy; errors read `file:line:col: path: problem`. */
export function parseSharingPolicy(text: string, file: string): SharingPolicy {
  return { ...parseValidatedYaml(text, file, policySchema), baseDir: dirname(resolve(file)) };
}

/** Why `value` (a policy as a JSON value, e.g. a `PUT /admin/sharing-policies/<org>` body) is not a valid policy: `path: problem`. */
export function sharingPolicyProblem(value: unknown): string | undefined {
  const result = policySchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return `${issue.path.length ? issue.path.join('.') : 'policy'}: ${issue.message}`;
}

/** Where a policy's bundles go: its collection (default: the organisation id), for its organisation. */
export function destinationOf(policy: SharingPolicy): Destination {
  return { collection: policy.collection ?? policy.organization, organization: policy.organization };
}

export async function loadSharingPolicy(file: string): Promise<SharingPolicy> {
  return parseSharingPolicy(await readFile(file, 'utf8'), file);
}

/**
 * The pseudonym key as bytes. The error names where the key was looked for, never its value. A key shorter than
 * 16 bytes is refused: pseudonyms of user names are only as hard to reverse as the key is to guess.
 */
export async function loadPseudonymKey(policy: SharingPolicy, env: Record<string, string | undefined>): Promise<Uint8Array | undefined> {
  const source = policy.pseudonymKey;
  if (!source) return undefined;
  let text: string;
  if ('env' in source) {
    const value = env[source.env];
    if (!value) throw new Error(`pseudonym key for ${policy.organization}: environment variable ${source.env} is not set`);
    text = value;
  } else {
    const path = resolve(policy.baseDir, source.file);
    text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`pseudonym key for ${policy.organization}: cannot read ${path} (${err.code ?? err.message})`);
    });
  }
  const key = new TextEncoder().encode(text.trim());
  if (key.length < 16) throw new Error(`pseudonym key for ${policy.organization}: shorter than 16 bytes; use a long random value`);
  return key;
}
