import { addValue, getField, setField, type EcsEvent } from './ecs.ts';

/** Splits a Windows command line the way CommandLineToArgvW does for the common cases (quotes, `\"`). */
export function splitCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < commandLine.length; i++) {
    const c = commandLine[i];
    if (c === '\\' && commandLine[i + 1] === '"') {
      current += '"';
      started = true;
      i++;
    } else if (c === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if ((c === ' ' || c === '\t') && !inQuotes) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const slash = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return path.slice(slash + 1);
}

/** Decimal (Sysmon) or `0x`-prefixed hexadecimal (Security log) process id. */
function processId(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const n = text.startsWith('0x') || text.startsWith('0X') ? parseInt(text.slice(2), 16) : Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Sets a field only when the document does not already have it (Winlogbeat's own values win). */
function fill(event: EcsEvent, path: string, value: unknown): void {
  if (getField(event, path) === undefined) setField(event, path, value);
}

/** `NT AUTHORITY\SYSTEM` to `user.domain` and `user.name`. */
function fillUser(event: EcsEvent, account: string | undefined): void {
  if (!account) return;
  const slash = account.indexOf('\\');
  fill(event, 'user.domain', slash >= 0 ? account.slice(0, slash) : undefined);
  fill(event, 'user.name', slash >= 0 ? account.slice(slash + 1) : account);
}

/** Sysmon's `SHA1=..,MD5=..,SHA256=..,IMPHASH=..` to `process.hash.*`. */
function fillHashes(event: EcsEvent, hashes: string | undefined): void {
  if (!hashes) return;
  for (const pair of hashes.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fill(event, `process.hash.${pair.slice(0, eq).trim().toLowerCase()}`, pair.slice(eq + 1).trim());
  }
}

function fillCommon(event: EcsEvent, executable: string | undefined, commandLine: string | undefined): void {
  fill(event, 'process.executable', executable);
  fill(event, 'process.name', baseName(executable));
  fill(event, 'process.command_line', commandLine);
  if (commandLine) {
    const args = splitCommandLine(commandLine);
    fill(event, 'process.args', args);
    fill(event, 'process.args_count', args.length);
  }
  fill(event, 'event.category', ['process']);
  fill(event, 'event.type', ['start']);
}

/**
 * The ECS `process.*` fields Winlogbeat's sysmon and security modules derive for process creation
 * (Sysmon event 1, Security 4688). Other events are left as they are.
 */
export function fillProcessCreation(event: EcsEvent, channel: string, eventId: string, data: Record<string, string>): void {
  if (channel === 'Microsoft-Windows-Sysmon/Operational' && eventId === '1') {
    fillCommon(event, data.Image, data.CommandLine);
    fill(event, 'process.entity_id', data.ProcessGuid);
    fill(event, 'process.pid', processId(data.ProcessId));
    fill(event, 'process.working_directory', data.CurrentDirectory);
    fill(event, 'process.parent.entity_id', data.ParentProcessGuid);
    fill(event, 'process.parent.pid', processId(data.ParentProcessId));
    fill(event, 'process.parent.executable', data.ParentImage);
    fill(event, 'process.parent.name', baseName(data.ParentImage));
    fill(event, 'process.parent.command_line', data.ParentCommandLine);
    fill(event, 'process.pe.original_file_name', data.OriginalFileName);
    fill(event, 'process.pe.description', data.Description);
    fill(event, 'process.pe.product', data.Product);
    fill(event, 'process.pe.company', data.Company);
    fill(event, 'process.pe.file_version', data.FileVersion);
    fillHashes(event, data.Hashes);
    fillUser(event, data.User);
    fill(event, 'event.action', 'Process Create (rule: ProcessCreate)');
  } else if (channel === 'Security' && eventId === '4688') {
    fillCommon(event, data.NewProcessName, data.CommandLine);
    fill(event, 'process.pid', processId(data.NewProcessId));
    fill(event, 'process.parent.pid', processId(data.ProcessId));
    fill(event, 'process.parent.executable', data.ParentProcessName);
    fill(event, 'process.parent.name', baseName(data.ParentProcessName));
    fill(event, 'user.id', data.SubjectUserSid);
    fill(event, 'user.name', data.SubjectUserName);
    fill(event, 'user.domain', data.SubjectDomainName);
    fill(event, 'winlog.logon.id', data.SubjectLogonId);
    fill(event, 'event.action', 'created-process');
    fill(event, 'event.outcome', 'success');
  } else {
    return;
  }
  const user = getField(event, 'user.name');
  if (typeof user === 'string') addValue(event, 'related.user', user);
}
