import { addValue, getField, type EcsEvent } from './ecs.ts';
import { baseName, fill, fillUser, processId } from './windows-values.ts';

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
