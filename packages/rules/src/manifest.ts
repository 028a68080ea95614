import { z } from 'zod';
import { isSemver } from './version.ts';
import { isSpdxExpression } from './spdx.ts';

export const MANIFEST_FILE = 'socle-package.yml';

/** `socle-package.yml`: what a detection package is and what it needs. */
export const manifestSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "acme-linux"'),
  version: z.string().refine(isSemver, 'must be a semver version, e.g. "1.2.0"'),
  description: z.string().min(1, 'must not be empty'),
  licence: z.string().refine(isSpdxExpression, 'must be an SPDX licence expression, e.g. "Apache-2.0" or "DRL-1.1"'),
  /** Minimum Socle version the package needs. */
  socle: z.string().refine(isSemver, 'must be the minimum Socle version as semver, e.g. "0.1.0"'),
  /** Pipelines by name: `<package>/pipelines/<name>.yml`, else a pipeline shipped with @socle/rules. */
  pipelines: z.array(z.string().min(1)).optional(),
  homepage: z.string().optional(),
  authors: z.array(z.string()).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
