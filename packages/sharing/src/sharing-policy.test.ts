import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPseudonymKey, loadSharingPolicy, parseSharingPolicy } from './sharing-policy.ts';

describe('sharing policy files', () => {
  it('reads a policy with defaults for what it leaves out', () => {
    const p = parseSharingPolicy('organization: acme\nsharedBy: SOC Hanoi\npseudonymKey: {env: ACME_KEY}\n', 'acme.yml');
    expect(p).toMatchObject({ organization: 'acme', minimumSeverity: 'medium', tlp: 'AMBER', rules: { allow: [], deny: [] } });
    expect(p.personalData).toEqual({ users: 'pseudonymise', emails: 'pseudonymise', internalHosts: 'pseudonymise', internalAddresses: 'pseudonymise' });
  });

  it('names the file, line and key path of every problem', () => {
    const text = 'organization: acme\nsharedBy: SOC\ntlp: YELLOW\npersonalData:\n  users: hide\ninternalNetworks: [10.0.0.0]\n';
    expect(() => parseSharingPolicy(text, 'acme.yml')).toThrowError(/acme\.yml:3:6: tlp: .*\n.*acme\.yml:5:10: personalData\.users: .*\n.*internalNetworks\.0: expected a CIDR block/s);
    expect(() => parseSharingPolicy('organization: acme\nsharedBy: SOC\n', 'acme.yml')).toThrowError(/pseudonymKey: required when personalData pseudonymises/);
  });

  it('loads the pseudonym key from the environment or a file and never puts it in an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-policy-'));
    try {
      await writeFile(join(dir, 'acme.key'), 'file-secret-0123456789\n');
      await writeFile(join(dir, 'acme.yml'), 'organization: acme\nsharedBy: SOC\npseudonymKey: {file: acme.key}\n');
      const fromFile = await loadSharingPolicy(join(dir, 'acme.yml'));
      expect(new TextDecoder().decode(await loadPseudonymKey(fromFile, {}))).toBe('file-secret-0123456789');
      const fromEnv = parseSharingPolicy('organization: acme\nsharedBy: SOC\npseudonymKey: {env: ACME_KEY}\n', join(dir, 'env.yml'));
      await expect(loadPseudonymKey(fromEnv, {})).rejects.toThrow('environment variable ACME_KEY is not set');
      const short = loadPseudonymKey(fromEnv, { ACME_KEY: 'tooshort' });
      await expect(short).rejects.toThrow('shorter than 16 bytes');
      await expect(short).rejects.not.toThrow('tooshort');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
