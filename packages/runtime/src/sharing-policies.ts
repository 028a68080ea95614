/** The sharing policies as organisation admins read (`GET /admin/sharing-policies`) and replace them (`PUT .../<org>`). */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { PRIVATE_FILE_MODE, type SharingPolicyWrite } from '@socle/api';
import { loadSharingPolicy, parseSharingPolicy, sharingPolicyProblem, type SharingPolicy } from '@socle/sharing';
import { stringify } from 'yaml';

export async function sharingPoliciesOf(files: readonly string[]): Promise<Array<{ organization: string } & Record<string, unknown>>> {
  const policies = await Promise.all(files.map((f) => loadSharingPolicy(f)));
  return policies.map(publicPolicy);
}

function publicPolicy({ pseudonymKey: _key, baseDir: _dir, ...policy }: SharingPolicy): { organization: string } & Record<string, unknown> {
  return policy;
}

/**
 * Replaces the policy file of `organization` (one of `files`) by `body`, validated with the policy schema and written
 * atomically (temporary file, fsync, rename; 0600). The pseudonym key reference stays the file's: it names a secret
 * on the server, which the API neither shows nor takes. Only a central admin moves a policy to another collection,
 * since a collection shared by several policies is a sharing group.
 */
export async function writeSharingPolicy(files: readonly string[], organization: string, body: unknown, by: { central: boolean }): Promise<SharingPolicyWrite> {
  let file: string | undefined;
  let current: SharingPolicy | undefined;
  for (const f of files) {
    const policy = await loadSharingPolicy(f);
    if (policy.organization === organization) [file, current] = [f, policy];
  }
  if (!file || !current) return { status: 'not-found' };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 'invalid', problem: 'body: expected a JSON object (the policy, as in its YAML file)' };
  const given = body as Record<string, unknown>;
  if ('pseudonymKey' in given) return { status: 'invalid', problem: 'pseudonymKey: set in the policy file on the server, not through the API' };
  if (given.organization !== undefined && given.organization !== organization) return { status: 'invalid', problem: `organization: must be ${organization}, the organisation of the path` };
  const next: Record<string, unknown> = { ...given, organization, ...(current.pseudonymKey ? { pseudonymKey: current.pseudonymKey } : {}) };
  const problem = sharingPolicyProblem(next);
  if (problem) return { status: 'invalid', problem };
  if (!by.central && (next.collection ?? organization) !== (current.collection ?? organization)) {
    return { status: 'refused', problem: 'collection: only a central admin changes the collection a policy shares into (it joins or leaves a sharing group)' };
  }
  const text = stringify(next);
  const written = parseSharingPolicy(text, file);
  await writeAtomically(file, text);
  return { status: 'written', policy: publicPolicy(written) };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
