import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sharingPoliciesOf, writeSharingPolicy } from './sharing-policies.ts';

let dir: string;
let files: string[];
const ORG_ADMIN = { central: false };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-policies-'));
  files = [join(dir, 'org-a.yaml'), join(dir, 'org-b.yaml')];
  await writeFile(files[0]!, 'organization: org-a\nsharedBy: soc-a\nminimumSeverity: medium\npseudonymKey: {env: ORG_A_KEY}\n', { mode: 0o644 });
  await writeFile(files[1]!, 'organization: org-b\nsharedBy: soc-b\npersonalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeSharingPolicy', () => {
  it('replaces the file atomically as YAML (0600, no temporary file left), keeping the pseudonym key reference', async () => {
    const result = await writeSharingPolicy(files, 'org-a', { sharedBy: 'soc-a', minimumSeverity: 'high', tlp: 'GREEN' }, ORG_ADMIN);
    expect(result).toMatchObject({ status: 'written', policy: { organization: 'org-a', minimumSeverity: 'high', tlp: 'GREEN' } });
    expect(JSON.stringify(result)).not.toContain('ORG_A_KEY');
    expect(parse(await readFile(files[0]!, 'utf8'))).toEqual({ sharedBy: 'soc-a', minimumSeverity: 'high', tlp: 'GREEN', organization: 'org-a', pseudonymKey: { env: 'ORG_A_KEY' } });
    expect((await stat(files[0]!)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['org-a.yaml', 'org-b.yaml']);
    expect((await sharingPoliciesOf(files))[0]).toMatchObject({ organization: 'org-a', minimumSeverity: 'high' });
  });

  it('answers not-found for an organisation without a policy file', async () => {
    expect(await writeSharingPolicy(files, 'org-z', { sharedBy: 'x' }, { central: true })).toEqual({ status: 'not-found' });
  });

  it.each([
    [{ sharedBy: 'soc-a', minimumSeverity: 'extreme' }, /^minimumSeverity: /],
    [{ sharedBy: 'soc-a', colour: 'red' }, /colour/],
    [{ minimumSeverity: 'high' }, /^sharedBy: /],
    [{ sharedBy: 'soc-a', internalNetworks: ['10.0.0.0'] }, /^internalNetworks\.0: expected a CIDR block/],
    [{ sharedBy: 'soc-a', pseudonymKey: { file: '/etc/shadow' } }, /^pseudonymKey: set in the policy file on the server/],
    [{ sharedBy: 'soc-a', organization: 'org-b' }, /^organization: must be org-a/],
    [['not', 'an', 'object'], /^body: expected a JSON object/],
  ])('refuses an invalid policy %j, naming the field, and leaves the file alone', async (body, problem) => {
    const before = await readFile(files[0]!, 'utf8');
    const result = await writeSharingPolicy(files, 'org-a', body, ORG_ADMIN);
    expect(result.status).toBe('invalid');
    expect(result.status === 'invalid' && result.problem).toMatch(problem);
    expect(await readFile(files[0]!, 'utf8')).toBe(before);
  });

  it('requires a pseudonym key for pseudonymisation in a policy that has none', async () => {
    const result = await writeSharingPolicy(files, 'org-b', { sharedBy: 'soc-b' }, ORG_ADMIN);
    expect(result).toEqual({ status: 'invalid', problem: expect.stringMatching(/^pseudonymKey: required when personalData pseudonymises/) });
  });

  it('lets only a central admin move a policy to another collection (a sharing group)', async () => {
    const body = { sharedBy: 'soc-a', collection: 'org-b' };
    expect(await writeSharingPolicy(files, 'org-a', body, ORG_ADMIN)).toMatchObject({ status: 'refused', problem: expect.stringMatching(/^collection: only a central admin/) });
    expect(await writeSharingPolicy(files, 'org-a', body, { central: true })).toMatchObject({ status: 'written', policy: { collection: 'org-b' } });
  });
});
