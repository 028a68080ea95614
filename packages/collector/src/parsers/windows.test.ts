import { describe, expect, it } from 'vitest';
import { parseSamples, rejectSamples } from './test-samples.ts';
import { splitCommandLine } from './windows-process.ts';

describe('Winlogbeat JSON', () => {
  const [logon, sysmon1, security4688, powershell, service] = parseSamples('winlogbeat', 'winlogbeat.log');

  it('keeps Winlogbeat fields and makes event.code / winlog.event_id strings', () => {
    expect(logon('event.code')).toBe('4624');
    expect(logon('winlog.event_id')).toBe('4624');
    expect(logon('winlog.channel')).toBe('Security');
    expect(logon('event.action')).toBe('logged-in');
    expect(logon('winlog.event_data.TargetUserName')).toBe('alice');
    expect(logon('source.ip')).toBe('10.0.0.20');
    expect(logon('event.module')).toBe('security');
    expect(logon('organization.id')).toBe('acme');
  });

  it('derives ECS process fields for Sysmon 1 as the sysmon module does', () => {
    expect(sysmon1('event.module')).toBe('sysmon');
    expect(sysmon1('event.category')).toEqual(['process']);
    expect(sysmon1('process.executable')).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(sysmon1('process.name')).toBe('powershell.exe');
    expect(sysmon1('process.command_line')).toBe('powershell.exe -nop -w hidden -enc SQBFAFgA');
    expect(sysmon1('process.args')).toEqual(['powershell.exe', '-nop', '-w', 'hidden', '-enc', 'SQBFAFgA']);
    expect(sysmon1('process.pid')).toBe(4242);
    expect(sysmon1('process.parent.executable')).toBe('C:\\Windows\\explorer.exe');
    expect(sysmon1('process.parent.name')).toBe('explorer.exe');
    expect(sysmon1('process.pe.original_file_name')).toBe('PowerShell.EXE');
    expect(sysmon1('process.hash.sha256')).toBe('CCCC');
    expect(sysmon1('user.name')).toBe('alice');
    expect(sysmon1('user.domain')).toBe('CONTOSO');
    expect(sysmon1('host.name')).toBe('WS01.contoso.local');
  });

  it('derives ECS process fields for Security 4688 (hexadecimal process ids)', () => {
    expect(security4688('event.code')).toBe('4688');
    expect(security4688('process.pid')).toBe(0x1a4);
    expect(security4688('process.parent.pid')).toBe(0x3e8);
    expect(security4688('process.executable')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(security4688('process.args')).toEqual(['cmd.exe', '/c', 'whoami /all']);
    expect(security4688('user.id')).toBe('S-1-5-21-1-2-3-1001');
    expect(security4688('event.action')).toBe('created-process');
  });

  it('accepts dotted keys and fills module and dataset from the channel', () => {
    expect(powershell('winlog.event_data.ScriptBlockText')).toBe('Invoke-Mimikatz -DumpCreds');
    expect(powershell('event.dataset')).toBe('windows.powershell_operational');
    expect(powershell('event.code')).toBe('4104');
    expect(powershell('powershell.file.script_block_text')).toBe('Invoke-Mimikatz -DumpCreds');
    expect(powershell('powershell.sequence')).toBe(1);
    expect(service('event.dataset')).toBe('system.system');
    expect(service('process.executable')).toBeUndefined();
  });

  it('rejects documents that are not Winlogbeat events', () => {
    const errors = rejectSamples('winlogbeat', 'winlogbeat-malformed.log');
    expect(errors[0]).toBe("winlogbeat: expected 'winlog.event_id' as a number 0-65535, found none");
    expect(errors[1]).toBe("winlogbeat: expected a 'winlog' object (Winlogbeat output), found none");
    expect(errors[2]).toBe("winlogbeat: expected 'winlog.channel' as a non-empty string, found none");
    expect(errors[3]).toMatch(/^winlogbeat: invalid JSON/);
    expect(errors[4]).toBe("winlogbeat: expected 'winlog.event_id' as a number 0-65535, found 70000");
  });
});

describe('evtx_dump JSON', () => {
  const [sysmon1, security4688, failedLogon, serviceState, logCleared, sysmon3] = parseSamples('evtx', 'evtx.log');

  it('normalises the System block to the Winlogbeat shape', () => {
    expect(sysmon1('@timestamp')).toBe('2019-03-18T16:57:37.644000Z');
    expect(sysmon1('winlog.channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(sysmon1('winlog.event_id')).toBe('1');
    expect(sysmon1('event.code')).toBe('1');
    expect(sysmon1('winlog.computer_name')).toBe('WS01.contoso.local');
    expect(sysmon1('host.name')).toBe('WS01.contoso.local');
    expect(sysmon1('winlog.provider_name')).toBe('Microsoft-Windows-Sysmon');
    expect(sysmon1('event.provider')).toBe('Microsoft-Windows-Sysmon');
    expect(sysmon1('winlog.record_id')).toBe('10');
    expect(sysmon1('winlog.user.identifier')).toBe('S-1-5-18');
    expect(sysmon1('log.level')).toBe('information');
    expect(sysmon1('event.original')).toMatch(/^\{"Event":/);
  });

  it('turns EventData into winlog.event_data strings, dropping empty values', () => {
    expect(sysmon1('winlog.event_data.ProcessId')).toBe('3516');
    expect(sysmon1('winlog.event_data.RuleName')).toBeUndefined();
    expect(sysmon1('winlog.event_data.TerminalSessionId')).toBe('1');
    expect(failedLogon('winlog.event_data.LogonType')).toBe('3');
    expect(failedLogon('winlog.event_data.IpAddress')).toBe('198.51.100.23');
    expect(serviceState('winlog.event_id')).toBe('7036');
    expect(serviceState('winlog.event_data.param1')).toBe('Windows Update');
    expect(serviceState('winlog.event_data.param2')).toBe('running');
    expect(logCleared('winlog.user_data.LogFileCleared.SubjectUserName')).toBe('Administrator');
  });

  it('sets the same process fields as Winlogbeat for Sysmon 1 and Security 4688', () => {
    expect(sysmon1('process.executable')).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(sysmon1('process.command_line')).toBe('rundll32.exe C:\\Users\\Public\\a.dll,Start');
    expect(sysmon1('process.parent.executable')).toBe('C:\\Windows\\explorer.exe');
    expect(sysmon1('process.hash.md5')).toBe('C4B4C1C3DF2F8A41F40E6B7A1C4B0D8A');
    expect(sysmon1('user.name')).toBe('bob');
    expect(security4688('process.executable')).toBe('C:\\Windows\\System32\\net.exe');
    expect(security4688('process.pid')).toBe(420);
    expect(security4688('process.parent.name')).toBe('cmd.exe');
    expect(security4688('@timestamp')).toBe('2024-03-01T12:00:01.1234567Z');
    expect(security4688('event.module')).toBe('security');
  });

  it('derives the ECS fields Winlogbeat\'s security and sysmon modules set from event data', () => {
    expect(failedLogon('event.action')).toBe('logon-failed');
    expect(failedLogon('event.category')).toEqual(['authentication']);
    expect(failedLogon('event.outcome')).toBe('failure');
    expect(failedLogon('user.name')).toBe('administrator');
    expect(failedLogon('user.domain')).toBe('CONTOSO');
    expect(failedLogon('source.ip')).toBe('198.51.100.23');
    expect(failedLogon('source.port')).toBe(51515);
    expect(failedLogon('source.domain')).toBeUndefined(); // WorkstationName '-'
    expect(failedLogon('winlog.logon.type')).toBe('Network');
    expect(logCleared('event.action')).toBe('audit-log-cleared');
    expect(sysmon3('source.ip')).toBe('10.0.0.21');
    expect(sysmon3('source.port')).toBe(50123);
    expect(sysmon3('destination.ip')).toBe('203.0.113.80');
    expect(sysmon3('destination.port')).toBe(443);
    expect(sysmon3('destination.domain')).toBeUndefined();
    expect(sysmon3('network.transport')).toBe('tcp');
    expect(sysmon3('network.protocol')).toBe('https');
    expect(sysmon3('network.direction')).toBe('egress');
    expect(sysmon3('process.executable')).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(sysmon3('process.name')).toBe('rundll32.exe');
    expect(sysmon3('user.name')).toBe('bob');
    expect(sysmon3('related.ip')).toEqual(['10.0.0.21', '203.0.113.80']);
  });

  it('rejects records that are not evtx_dump output', () => {
    const errors = rejectSamples('evtx', 'evtx-malformed.log');
    expect(errors[0]).toBe(`evtx: expected a top-level 'Event' object (evtx_dump JSON), found keys ["System"]`);
    expect(errors[1]).toBe("evtx: expected 'Event.System.EventID' as a number 0-65535, found none");
    expect(errors[2]).toBe("evtx: expected 'Event.System.Channel' as a string, found none");
    expect(errors[3]).toBe("evtx: expected 'Event.System.TimeCreated.#attributes.SystemTime' as RFC 3339, found 'yesterday'");
    expect(errors[4]).toMatch(/^evtx: invalid JSON/);
  });
});

describe('splitCommandLine', () => {
  it('splits on spaces outside quotes and unescapes \\"', () => {
    expect(splitCommandLine('"C:\\Program Files\\x.exe" -a "b c" \\"d\\"')).toEqual(['C:\\Program Files\\x.exe', '-a', 'b c', '"d"']);
    expect(splitCommandLine('  ')).toEqual([]);
  });
});
