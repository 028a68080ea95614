// Reads the shipped windows-evtx pipeline and SigmaHQ rules from disk: test-only I/O.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIGMA_DIR } from '../../../../test/setup/sigma-corpus.ts';
import { createEngine } from '../engine.ts';
import type { SocleEvent } from '../event.ts';

const pipeline = { file: 'windows-evtx.yml', text: readFileSync(fileURLToPath(new URL('../../../rules/pipelines/windows-evtx.yml', import.meta.url)), 'utf8') };
const rule = (path: string) => ({ file: path, text: readFileSync(join(SIGMA_DIR, 'rules', path), 'utf8') });

function engineFor(path: string) {
  const engine = createEngine({ rules: [rule(path)], pipelines: [pipeline] });
  expect(engine.rejected).toEqual([]);
  return engine;
}

/** An event as `evtx_dump -o json` prints it: the System header, then EventData or UserData. */
function evtx(channel: string, eventId: number, data: { EventData?: Record<string, unknown>; UserData?: Record<string, unknown> }): SocleEvent {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: { Provider: { '#attributes': { Name: 'Provider' } }, EventID: eventId, Channel: channel, Computer: 'ws1.corp.example' },
      ...data,
    },
  };
}

const DEFENDER = 'Microsoft-Windows-Windows Defender/Operational';
const WMI = 'Microsoft-Windows-WMI-Activity/Operational';

describe('windows-evtx on Windows Defender events (data names with spaces)', () => {
  it('SourceName in a rule reads the event\'s "Source Name"', () => {
    const engine = engineFor('windows/builtin/windefend/win_defender_malware_detected_amsi_source.yml');
    const detected = (source: string) => evtx(DEFENDER, 1116, { EventData: { 'Threat Name': 'Trojan:PowerShell/Mimikatz', 'Source Name': source, 'Process Name': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' } });
    expect(engine.process(detected('AMSI'))).toHaveLength(1);
    expect(engine.process(detected('Real-Time Protection'))).toHaveLength(0);
  });

  it('ProcessName in a rule reads the event\'s "Process Name"', () => {
    const engine = engineFor('windows/builtin/windefend/win_defender_asr_psexec_wmi.yml');
    const blocked = (process: string) => evtx(DEFENDER, 1121, { EventData: { ID: 'd1e49aac-8f56-4280-b9ba-993a6d77406c', 'Process Name': process, Path: 'C:\\x.exe' } });
    expect(engine.process(blocked('C:\\Windows\\System32\\wbem\\WmiPrvSE.exe'))).toHaveLength(1);
    expect(engine.process(blocked('C:\\Windows\\explorer.exe'))).toHaveLength(0);
  });

  it('Signature of an antivirus rule reads "Threat Name"', () => {
    const engine = engineFor('category/antivirus/av_password_dumper.yml');
    const found = evtx(DEFENDER, 1116, { EventData: { 'Threat Name': 'HackTool:Win32/Mimikatz.D', Path: 'file:_C:\\tools\\m.exe' } });
    expect(engine.process(found)).toHaveLength(1);
  });
});

describe('windows-evtx on events whose data sits under Event.UserData', () => {
  const failure = (operation: string) =>
    evtx(WMI, 5858, {
      UserData: {
        Operation_ClientFailure: {
          '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2006/windows/WMI' },
          ClientMachine: 'WS1',
          User: 'CORP\\admin',
          Operation: operation,
          ResultCode: '0x80041003',
        },
      },
    });

  it('a WMI-Activity rule reads Operation under the event\'s template element', () => {
    const engine = engineFor('windows/builtin/wmi/win_wmi_activity_nteventlogfile_cleareventlog.yml');
    expect(engine.process(failure('Start IWbemServices::ExecMethod - root\\cimv2 : Win32_NTEventlogFile.Name="C:\\Windows\\System32\\Config\\Security.evt"::ClearEventLog'))).toHaveLength(1);
    expect(engine.process(failure('Start IWbemServices::ExecQuery - root\\cimv2 : select * from Win32_Process'))).toHaveLength(0);
  });

  it('negations read UserData too: the rule\'s SCM event filter keeps the benign registration out', () => {
    const engine = engineFor('windows/builtin/wmi/win_wmi_persistence.yml');
    const registration = (provider: string) =>
      evtx(WMI, 5859, { UserData: { Operation_EssStarted: { Provider: provider, Query: 'select * from MSFT_SCMEventLogEvent', User: 'S-1-5-32-544', PossibleCause: 'Permanent' } } });
    expect(engine.process(registration('Evil Provider'))).toHaveLength(1);
    expect(engine.process(registration('SCM Event Provider'))).toHaveLength(0);
  });

  it('the same rule still reads EventData where an event has it', () => {
    const engine = engineFor('windows/builtin/wmi/win_wmi_activity_nteventlogfile_cleareventlog.yml');
    expect(engine.process(evtx(WMI, 5858, { EventData: { Operation: 'Win32_NTEventlogFile ... ClearEventLog' } }))).toHaveLength(1);
  });
});
