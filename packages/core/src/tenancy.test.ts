import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { createEngine, type EngineOptions } from './engine.ts';
import { alertVisibleTo, organizationOf, tenancyOf } from './organization.ts';
import { formatLoadError } from './sigma/errors.ts';
import { BRUTE_FORCE, BRUTE_FORCE_SUCCESS, ROOT_LOGIN, SOC_SPRAY, SSH_FAILURE, SSH_SUCCESS, sshEvent } from './tenancy.test-rules.ts';

const SOCS = { 'soc-1': ['org-a', 'org-b'] };

function engineOf(texts: string[], options: Partial<EngineOptions> = {}) {
  const engine = createEngine({ rules: texts.map((text, i) => ({ text, file: `rule${i}.yml` })), ...options });
  expect(engine.rejected.map(formatLoadError)).toEqual([]);
  return engine;
}

const run = (engine: ReturnType<typeof createEngine>, events: Record<string, unknown>[]): Alert[] => [...events.flatMap((e) => engine.process(e)), ...engine.flush()];
const owners = (alerts: Alert[]) => alerts.map((a) => [a.rule.name, a.organization?.id, a.socle.organizations]);

describe('every alert has an owner', () => {
  it('a detection alert belongs to its event organisation, else to the default one', () => {
    const engine = engineOf([SSH_FAILURE], { defaultOrganization: 'acme' });
    const [a] = engine.process({ ...sshEvent({ s: 0 }), organization: { id: 'org-a', name: 'A Corp' } });
    expect(a!.organization).toEqual({ id: 'org-a', name: 'A Corp' });
    expect(a!.socle.organizations).toEqual(['org-a']);
    const [flat] = engine.process({ ...sshEvent({ s: 1 }), 'organization.id': 'org-b' });
    expect(flat!.organization).toEqual({ id: 'org-b' });
    const [none] = engine.process(sshEvent({ s: 2 }));
    expect([none!.organization, none!.socle.organizations]).toEqual([{ id: 'acme' }, ['acme']]);
    const [numeric] = engine.process({ ...sshEvent({ s: 3 }), organization: { id: 7, name: 'Seven' } });
    expect(numeric!.organization).toEqual({ id: 'acme', name: 'Seven' });
  });

  it("two organisations' events with the same event.id give two alert ids; the default organisation's ids are as before", () => {
    const engine = engineOf([SSH_FAILURE]);
    const ids = ['org-a', 'org-b', 'default', undefined].map((org) => engine.process(sshEvent({ s: 0, id: 'rec-1', org }))[0]!.event.id);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    expect(ids[2]).toBe(ids[3]);
  });

  it('correlation, suppressed and folded alerts carry their owner too', () => {
    const engine = engineOf([SSH_FAILURE, BRUTE_FORCE, ROOT_LOGIN]);
    const alerts = run(engine, [
      ...Array.from({ length: 10 }, (_, i) => sshEvent({ s: i, org: 'org-a' })),
      sshEvent({ s: 20, outcome: 'success', user: 'root', org: 'org-b' }),
      sshEvent({ s: 21, outcome: 'success', user: 'root', org: 'org-b' }),
    ]);
    expect(alerts.every((a) => typeof a.organization?.id === 'string' && a.socle.organizations?.length === 1)).toBe(true);
    const update = alerts.find((a) => a.socle.suppression?.suppressed === 1)!;
    expect([update.organization, update.socle.organizations]).toEqual([{ id: 'org-b' }, ['org-b']]);
  });
});

describe('organisations never mix', () => {
  it('the same source address failing five times at two organisations fires neither', () => {
    const engine = engineOf([SSH_FAILURE, SSH_SUCCESS, BRUTE_FORCE, BRUTE_FORCE_SUCCESS]);
    const events = Array.from({ length: 10 }, (_, i) => sshEvent({ s: i, org: i % 2 ? 'org-b' : 'org-a' }));
    // a third organisation's normal login from that address is not "brute force then success"
    expect(run(engine, [...events, sshEvent({ s: 30, outcome: 'success', org: 'org-c' })]).filter((a) => a.rule.name !== 'SSH login failure')).toEqual([]);
  });

  it("a suppression window at org-a does not fold org-b's alert", () => {
    const engine = engineOf([ROOT_LOGIN]);
    const alerts = run(engine, [
      sshEvent({ s: 0, outcome: 'success', user: 'root', org: 'org-a' }),
      sshEvent({ s: 1, outcome: 'success', user: 'root', org: 'org-b' }),
      sshEvent({ s: 2, outcome: 'success', user: 'root', org: 'org-a' }),
    ]);
    expect(alerts.map((a) => [a.organization?.id, a.socle.suppression?.suppressed])).toEqual([
      ['org-a', 0],
      ['org-b', 0],
      ['org-a', 1],
    ]);
  });
});

describe('SOC-wide correlation (socle.scope: soc)', () => {
  const spray = () => Array.from({ length: 10 }, (_, i) => sshEvent({ s: i, org: i % 2 ? 'org-b' : 'org-a' }));

  it('fires once, owned by the SOC, visible to the SOC token and to nobody else', () => {
    const engine = engineOf([SSH_FAILURE, SOC_SPRAY], { socs: SOCS });
    const alerts = run(engine, spray());
    expect(owners(alerts)).toEqual([['SSH failures across the SOC\'s organisations', 'soc-1', ['org-a', 'org-b']]]);
    const [alert] = alerts;
    const tokens = { soc: ['org-a', 'org-b'], orgA: ['org-a'], orgB: ['org-b'], other: ['org-c'], socId: ['soc-1'] };
    const seeing = Object.entries(tokens).filter(([, orgs]) => alertVisibleTo(alert!, new Set(orgs)));
    expect(seeing.map(([name]) => name)).toEqual(['soc']);
  });

  it('without the SOC in the options, each organisation keeps its own groups', () => {
    expect(run(engineOf([SSH_FAILURE, SOC_SPRAY]), spray())).toEqual([]);
  });

  it('rejects a bad scope, scope on a detection rule and a per-organisation rule fed by a SOC-wide one', () => {
    const engine = createEngine({
      rules: [
        { text: SSH_FAILURE },
        { text: SOC_SPRAY },
        { text: SSH_SUCCESS.replace('level: low', 'level: low\nsocle:\n  scope: soc'), file: 'success.yml' },
        { text: BRUTE_FORCE.replace('name: ssh_brute_force', 'name: bf\nsocle:\n  scope: everyone'), file: 'bf.yml' },
        { text: BRUTE_FORCE.replace('rules: [ssh_failure]', 'rules: [soc_ssh_spray]').replace(/id: .*/, 'id: chained').replace('name: ssh_brute_force', 'name: chained'), file: 'chained.yml' },
      ],
      socs: SOCS,
    });
    expect(engine.loaded.map((r) => r.id)).toEqual(['3f1c7d52-0000-4000-8000-000000000001', '3f1c7d52-0000-4000-8000-000000000006']);
    expect(engine.rejected.map((r) => [r.file, r.reason])).toEqual([
      ['success.yml', "'soc' applies to correlation rules only (a detection alert belongs to one organisation)"],
      ['bf.yml', expect.stringContaining(`socle.scope must be 'organization' or 'soc', got "everyone"`)],
      ['chained.yml', "refers to the SOC-wide correlation '3f1c7d52-0000-4000-8000-000000000006', so it must be SOC-wide too (socle.scope: soc)"],
    ]);
  });

  it('a fork keeps the SOCs', () => {
    const engine = engineOf([SSH_FAILURE, SOC_SPRAY], { socs: SOCS }).fork();
    expect(owners(run(engine, spray()))).toHaveLength(1);
  });
});

describe('options', () => {
  it.each([
    [{ socs: { s1: ['a', 'b'], s2: ['b'] } }, "socs: organisation 'b' is a member of both 's1' and 's2' (an organisation belongs to at most one SOC)"],
    [{ socs: { s1: 'a' } }, 'socs.s1 must be a list of organisation ids (non-empty strings)'],
    [{ socs: { s1: ['a'], a: ['b'] } }, "socs: 'a' is both a SOC id and a member organisation (of 's1')"],
    [{ socs: { default: ['a'] } }, "socs: 'default' is both a SOC id and the defaultOrganization"],
    [{ defaultOrganization: '' }, 'defaultOrganization must be a non-empty string (got "")'],
  ])('%j is refused before any rule loads', (options, message) => {
    expect(() => createEngine({ rules: [{ text: SSH_FAILURE }], ...(options as Partial<EngineOptions>) })).toThrow(message);
    expect(() => tenancyOf(options as Partial<EngineOptions>)).toThrow(TypeError);
  });

  it('organizationOf reads nested and flat ids and falls back on anything else', () => {
    expect(organizationOf({ organization: { id: 'x' } }, 'd')).toBe('x');
    expect(organizationOf({ 'organization.id': 'y' }, 'd')).toBe('y');
    expect([{}, { organization: { id: '' } }, { organization: { id: ['a', 'b'] } }, { organization: 'x' }].map((e) => organizationOf(e, 'd'))).toEqual(['d', 'd', 'd', 'd']);
  });
});

describe('engine snapshots written before organisations', () => {
  // written by the engine of commit 2238e27 (before organisations): nine failures from one address and a root
  // login suppression window with one alert folded, all of the then only organisation
  const v1 = new Uint8Array(readFileSync(new URL('./fixtures/engine-snapshot-v1.json', import.meta.url)));

  it('load, with every group and window owned by the default organisation', () => {
    const engine = engineOf([SSH_FAILURE, BRUTE_FORCE, ROOT_LOGIN], { defaultOrganization: 'acme' });
    engine.restore(v1);
    expect(engine.process(sshEvent({ s: 12, org: 'org-b' })).filter((a) => a.rule.category === 'correlation')).toEqual([]);
    const fired = engine.process(sshEvent({ s: 13, org: 'acme' })).filter((a) => a.rule.category === 'correlation');
    expect(owners(fired)).toEqual([['SSH brute force', 'acme', ['acme']]]);
    expect(fired[0]!.socle.correlation!.events.total).toBe(10);
    const [update] = engine.flush();
    expect([update!.rule.name, update!.organization, update!.socle.organizations, update!.socle.suppression!.suppressed]).toEqual(['Root login', { id: 'acme' }, ['acme'], 1]);
  });

  it('carry over on a reload', () => {
    const engine = engineOf([SSH_FAILURE, BRUTE_FORCE, ROOT_LOGIN]);
    expect(engine.carryStateFrom(v1).kept).toHaveLength(3);
    expect(engine.process(sshEvent({ s: 13 })).filter((a) => a.rule.category === 'correlation')).toHaveLength(1);
  });
});
