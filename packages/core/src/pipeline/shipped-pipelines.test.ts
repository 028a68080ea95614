// Reads the shipped pipelines (packages/rules/pipelines) and real SigmaHQ rules from disk: test-only I/O.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIGMA_DIR } from '../../../../test/setup/sigma-corpus.ts';
import type { LogSource, SigmaDetectionRule } from '../sigma/model.ts';
import { parseSigmaYaml } from '../sigma/parse.ts';
import { applyPipelines, mapFieldName } from './apply.ts';
import type { Pipeline } from './model.ts';
import { parsePipeline } from './parse.ts';
import { item } from './test-rules.ts';

const PIPELINES_DIR = fileURLToPath(new URL('../../../rules/pipelines/', import.meta.url));
const SIGMA_RULES = join(SIGMA_DIR, 'rules');

function shipped(name: string): Pipeline {
  const file = join(PIPELINES_DIR, `${name}.yml`);
  return parsePipeline(readFileSync(file, 'utf8'), `${name}.yml`);
}

function sigmaRule(path: string): SigmaDetectionRule {
  const parsed = parseSigmaYaml(readFileSync(join(SIGMA_RULES, path), 'utf8'), path);
  expect(parsed.errors).toEqual([]);
  const rule = parsed.rules[0];
  if (rule?.type !== 'detection') throw new Error(`${path}: not a detection rule`);
  return rule;
}

function applied(rule: SigmaDetectionRule, pipelines: Pipeline[]): SigmaDetectionRule {
  const result = applyPipelines(rule, pipelines);
  if ('notApplicable' in result) throw new Error(result.notApplicable);
  return result.rule;
}

/** The logsource block of a rule file, read with a regex: parsing ~2,400 files as YAML would be slow. */
function logsourceOf(text: string): LogSource {
  const block = /^logsource:\r?\n((?:[ \t]+.*\r?\n?)+)/m.exec(text)?.[1] ?? '';
  const ls: LogSource = {};
  for (const m of block.matchAll(/^[ \t]+(product|category|service):[ \t]*['"]?([\w.-]+)/gm)) {
    ls[m[1] as 'product' | 'category' | 'service'] = m[2]!;
  }
  return ls;
}

const and = (...items: unknown[]) => ({ kind: 'and', items });
const or = (...alternatives: unknown[]) => ({ kind: 'or', alternatives });

describe('shipped pipelines', () => {
  const files = readdirSync(PIPELINES_DIR).filter((f) => f.endsWith('.yml'));

  it('are all there', () => {
    expect(files.sort()).toEqual([
      'cloudtrail-ecs.yml',
      'dns-ecs.yml',
      'firewall-ecs.yml',
      'linux-ecs.yml',
      'web-ecs.yml',
      'windows-ecs.yml',
      'windows-evtx.yml',
    ]);
  });

  it.each(files)('%s parses, is named after its file and starts with a header comment', (file) => {
    const text = readFileSync(join(PIPELINES_DIR, file), 'utf8');
    const p = parsePipeline(text, file);
    expect(p.name).toBe(basename(file, '.yml'));
    expect(text.startsWith('# ')).toBe(true);
    expect(p.logsources.length).toBeGreaterThan(0);
  });
});

describe('Windows pipelines on SigmaHQ rules', () => {
  const ecs = shipped('windows-ecs');
  const evtx = shipped('windows-evtx');
  const whoami = () => sigmaRule('windows/process_creation/proc_creation_win_whoami_priv_discovery.yml');

  it('windows-ecs maps a process_creation rule to ECS fields and recognises Sysmon 1 or Security 4688', () => {
    const rule = applied(whoami(), [ecs]);
    expect(rule.identifiers.get('selection_img')).toEqual(
      or(
        and(item('process.executable', ['\\whoami.exe'], ['endswith'])),
        and(item('process.pe.original_file_name', ['whoami.exe'])),
      ),
    );
    expect(rule.identifiers.get('selection_cli')).toEqual(and(item('process.command_line', [' /priv', ' -priv'], ['contains'])));
    expect(rule.addedConditions).toEqual([
      or(
        and(item('winlog.channel', ['Microsoft-Windows-Sysmon/Operational']), item('winlog.event_id', [1])),
        and(item('winlog.channel', ['Security']), item('winlog.event_id', [4688])),
      ),
    ]);
  });

  it('windows-evtx maps Image to Sysmon Image or Security NewProcessName under Event.EventData', () => {
    const rule = applied(whoami(), [evtx]);
    expect(rule.identifiers.get('selection_img')).toEqual(
      or(
        and(
          or(
            item('Event.EventData.Image', ['\\whoami.exe'], ['endswith']),
            item('Event.EventData.NewProcessName', ['\\whoami.exe'], ['endswith']),
          ),
        ),
        and(item('Event.EventData.OriginalFileName', ['whoami.exe'])),
      ),
    );
    expect(rule.identifiers.get('selection_cli')).toEqual(and(item('Event.EventData.CommandLine', [' /priv', ' -priv'], ['contains'])));
    expect(rule.addedConditions).toEqual([
      or(
        and(item('Event.System.Channel', ['Microsoft-Windows-Sysmon/Operational']), item('Event.System.EventID', [1])),
        and(item('Event.System.Channel', ['Security']), item('Event.System.EventID', [4688])),
      ),
    ]);
  });

  it('maps the field a fieldref names, as the field it compares: ParentImage is the parent executable in ECS', () => {
    const path = '../rules-threat-hunting/windows/process_creation/proc_creation_win_susp_parent_execute_itself.yml';
    expect(applied(sigmaRule(path), [ecs]).identifiers.get('selection')).toEqual(
      and(item('process.executable', ['process.parent.executable'], ['fieldref'])),
    );
    expect(applied(sigmaRule(path), [evtx]).identifiers.get('selection')).toEqual(
      and(
        or(
          item('Event.EventData.Image', ['Event.EventData.ParentImage', 'Event.EventData.ParentProcessName'], ['fieldref']),
          item('Event.EventData.NewProcessName', ['Event.EventData.ParentImage', 'Event.EventData.ParentProcessName'], ['fieldref']),
        ),
      ),
    );
  });

  it('maps EventID and Provider_Name of a Security service rule and adds the Security channel', () => {
    const path = 'windows/builtin/security/win_security_audit_log_cleared.yml';
    const ecsRule = applied(sigmaRule(path), [ecs]);
    expect(ecsRule.identifiers.get('selection_1102')).toEqual(
      and(item('winlog.event_id', [1102]), item('winlog.provider_name', ['Microsoft-Windows-Eventlog'])),
    );
    expect(ecsRule.addedConditions).toEqual([and(item('winlog.channel', ['Security']))]);
    const evtxRule = applied(sigmaRule(path), [evtx]);
    expect(evtxRule.identifiers.get('selection_1102')).toEqual(
      and(
        or(item('Event.System.EventID', [1102]), item('Event.System.EventID.#text', [1102])),
        item('Event.System.Provider.#attributes.Name', ['Microsoft-Windows-Eventlog']),
      ),
    );
    expect(evtxRule.addedConditions).toEqual([and(item('Event.System.Channel', ['Security']))]);
  });

  it('reports a Linux rule as not applicable to the Windows pipelines, and linux-ecs recognises it', () => {
    const rule = sigmaRule('linux/process_creation/proc_creation_lnx_apt_shell_execution.yml');
    const result = applyPipelines(rule, [ecs]);
    expect(result).toEqual({
      notApplicable: `logsource product=linux category=process_creation is not recognised by pipeline windows-ecs`,
    });
    const linux = applied(rule, [ecs, shipped('linux-ecs')]);
    expect(linux.identifiers.get('selection')).toEqual(
      and(item('process.executable', ['/apt', '/apt-get'], ['endswith']), item('process.command_line', ['APT::Update::Pre-Invoke::='], ['contains'])),
    );
  });

  it('maps group-by field names for correlations', () => {
    const security: LogSource = { product: 'windows', service: 'security' };
    expect(mapFieldName('TargetUserName', security, [ecs])).toEqual(['winlog.event_data.TargetUserName']);
    expect(mapFieldName('IpAddress', security, [ecs])).toEqual(['source.ip']);
    expect(mapFieldName('Computer', security, [evtx])).toEqual(['Event.System.Computer']);
  });

  it('recognise every Windows log source SigmaHQ rules use (except ETW-only file_access and file_rename)', () => {
    const used = new Map<string, LogSource>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.yml')) {
          const ls = logsourceOf(readFileSync(path, 'utf8'));
          used.set(`${ls.product}/${ls.category}/${ls.service}`, ls);
        }
      }
    };
    walk(join(SIGMA_RULES, 'windows'));
    const etwOnly = new Set(['file_access', 'file_rename']);
    const unrecognised = (p: Pipeline) =>
      [...used.values()]
        .filter((ls) => !etwOnly.has(ls.category ?? ''))
        .filter((ls) => 'notApplicable' in applyPipelines({ ...whoami(), logsource: ls }, [p]))
        .map((ls) => JSON.stringify(ls));
    expect(used.size).toBeGreaterThan(40);
    expect(unrecognised(ecs)).toEqual([]);
    expect(unrecognised(evtx)).toEqual([]);
  });
});

describe('other shipped pipelines on SigmaHQ rules', () => {
  it('web-ecs maps W3C names of a webserver rule and recognises access logs', () => {
    const rule = applied(
      {
        ...sigmaRule('linux/process_creation/proc_creation_lnx_apt_shell_execution.yml'),
        logsource: { category: 'webserver' },
        identifiers: new Map([['selection', and(item('cs-method', ['POST']), item('cs-uri-query', ['/etc/passwd'], ['contains']), item('sc-status', [200]))]]),
      } as SigmaDetectionRule,
      [shipped('web-ecs')],
    );
    expect(rule.identifiers.get('selection')).toEqual(
      and(item('http.request.method', ['POST']), item('url.original', ['/etc/passwd'], ['contains']), item('http.response.status_code', [200])),
    );
    expect(rule.addedConditions).toEqual([and(item('event.dataset', ['nginx.access', 'apache.access', 'iis.access']))]);
  });

  it('cloudtrail-ecs maps a SigmaHQ AWS rule', () => {
    const dir = join(SIGMA_RULES, 'cloud/aws/cloudtrail');
    const file = readdirSync(dir, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('.yml') && readFileSync(join(dir, f), 'utf8').includes('eventSource'));
    const rule = applied(sigmaRule(`cloud/aws/cloudtrail/${file}`), [shipped('cloudtrail-ecs')]);
    const fields = JSON.stringify([...rule.identifiers.values()]);
    expect(fields).toContain('"event.provider"');
    expect(fields).not.toContain('"eventSource"');
    expect(rule.addedConditions).toEqual([and(item('event.dataset', ['aws.cloudtrail']))]);
  });

  it('firewall-ecs maps the SigmaHQ cleartext-protocols rule', () => {
    const rule = applied(sigmaRule('network/firewall/net_firewall_cleartext_protocols.yml'), [shipped('firewall-ecs')]);
    expect(JSON.stringify(rule.identifiers.get('selection'))).toContain('"destination.port"');
    expect(rule.addedConditions).toEqual([
      or(
        and(item('event.dataset', ['iptables.log'])),
        and(item('event.dataset', ['cef.log']), item('observer.type', ['firewall']), item('event.category', ['network'])),
      ),
    ]);
  });

  it('dns-ecs maps query to dns.question.name', () => {
    const rule = applied(sigmaRule('network/dns/net_dns_susp_b64_queries.yml'), [shipped('dns-ecs')]);
    expect(rule.identifiers.get('selection')).toEqual(and(item('dns.question.name', ['==.'], ['contains'])));
  });
});
