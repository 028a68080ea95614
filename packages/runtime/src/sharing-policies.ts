/** The sharing policies as organisation admins may read them (`GET /admin/sharing-policies`): no key reference, no paths. */
import { loadSharingPolicy } from '@socle/sharing';

export async function sharingPoliciesOf(files: readonly string[]): Promise<Array<{ organization: string } & Record<string, unknown>>> {
  const policies = await Promise.all(files.map((f) => loadSharingPolicy(f)));
  return policies.map(({ pseudonymKey: _key, baseDir: _dir, ...policy }) => policy);
}
