import { describe, expect, it } from 'vitest';
import { getField } from './ecs.ts';
import { parseRecord } from './index.ts';
import { parseSamples, rejectSamples, testContext } from './test-samples.ts';

describe('sshd', () => {
  const [accepted, publickey, failedInvalid, invalidUser, disconnected, pamFailure, ipv6, bare, listening] =
    parseSamples('sshd', 'sshd.log');

  it('maps successful and failed logins as Filebeat system.auth does', () => {
    expect(accepted('event.action')).toBe('ssh_login');
    expect(accepted('event.category')).toEqual(['authentication']);
    expect(accepted('event.outcome')).toBe('success');
    expect(accepted('user.name')).toBe('root');
    expect(accepted('source.ip')).toBe('192.168.1.10');
    expect(accepted('source.port')).toBe(52311);
    expect(accepted('process.pid')).toBe(3320);
    expect(accepted('host.hostname')).toBe('bastion');
    expect(accepted('@timestamp')).toBe('2024-03-16T08:12:04.000Z');
    expect(publickey('system.auth.ssh.method')).toBe('publickey');
    expect(publickey('system.auth.ssh.signature')).toBe('RSA SHA256:4vyj6Q+2xj3Zc7O0lD0xzC1bM1d2Yd1cO8mYnO3b5ZQ');
    expect(failedInvalid('event.outcome')).toBe('failure');
    expect(failedInvalid('user.name')).toBe('admin');
    expect(failedInvalid('related.ip')).toEqual(['203.0.113.7']);
    expect(ipv6('source.ip')).toBe('2001:db8::5');
    expect(ipv6('process.name')).toBe('sshd-session');
  });

  it('reads invalid users, disconnects and PAM failures', () => {
    expect(invalidUser('event.outcome')).toBe('failure');
    expect(invalidUser('user.name')).toBe('oracle');
    expect(invalidUser('source.port')).toBe(41240);
    expect(disconnected('event.category')).toEqual(['session']);
    expect(disconnected('event.type')).toEqual(['end']);
    expect(disconnected('user.name')).toBe('alice');
    expect(pamFailure('event.action')).toBe('authentication_failure');
    expect(pamFailure('event.outcome')).toBe('failure');
    expect(pamFailure('user.name')).toBe('root');
    expect(pamFailure('source.ip')).toBe('203.0.113.7');
    expect(bare('event.reason')).toBe('Bye Bye');
    expect(bare('system.auth.ssh.preauth')).toBe(true);
  });

  it('keeps informational lines without claiming an authentication', () => {
    expect(listening('event.dataset')).toBe('system.auth');
    expect(listening('event.action')).toBeUndefined();
    expect(listening('message')).toBe('Server listening on 0.0.0.0 port 22.');
  });

  it('rejects lines that are not sshd or are broken', () => {
    const errors = rejectSamples('sshd', 'sshd-malformed.log');
    expect(errors[0]).toBe("sshd: expected a line from sshd or sshd-session or sshd-auth, found program 'CRON'");
    expect(errors[1]).toBe('sshd: port 99999 is out of range (0-65535)');
    expect(errors[2]).toMatch(/^sshd: expected '<Accepted\|Failed> <method> for <user> from <address> port <port> ssh2'/);
    expect(errors[3]).toContain("found 'Failed password for root from 10.0.0.1 port 2x ssh2'");
    expect(parseRecord('sshd', '   ', testContext())).toEqual({ ok: false, error: 'sshd: expected a log line, found an empty record', reason: 'unparsed' });
  });
});

describe('sudo', () => {
  const [allowed, badPassword, notInSudoers, withEnv, pamSession, pamFailure] = parseSamples('sudo', 'sudo.log');

  it('maps the invoking user, target user, command and directory', () => {
    expect(allowed('user.name')).toBe('alice');
    expect(allowed('user.effective.name')).toBe('root');
    expect(allowed('process.command_line')).toBe('/usr/bin/apt update');
    expect(allowed('process.working_directory')).toBe('/home/alice');
    expect(allowed('event.outcome')).toBe('success');
    expect(allowed('system.auth.sudo.tty')).toBe('pts/0');
    expect(withEnv('user.effective.name')).toBe('postgres');
    expect(withEnv('user.effective.group.name')).toBe('postgres');
    expect(withEnv('process.command_line')).toBe('/usr/bin/psql -c select 1 ; echo done');
  });

  it('reports failures with their reason', () => {
    expect(badPassword('event.outcome')).toBe('failure');
    expect(badPassword('event.category')).toEqual(['authentication']);
    expect(badPassword('event.reason')).toBe('3 incorrect password attempts');
    expect(notInSudoers('event.outcome')).toBe('failure');
    expect(notInSudoers('event.reason')).toBe('user NOT in sudoers');
    expect(notInSudoers('user.name')).toBe('bob');
    expect(pamFailure('event.outcome')).toBe('failure');
    expect(pamFailure('user.name')).toBe('alice');
    expect(pamSession('event.action')).toBe('session_opened');
    expect(pamSession('user.name')).toBe('root');
  });

  it('rejects lines that are not sudo or are broken', () => {
    const errors = rejectSamples('sudo', 'sudo-malformed.log');
    expect(errors[0]).toBe("sudo: expected a line from sudo, found program 'sshd'");
    expect(errors[1]).toMatch(/^sudo: expected 'user : TTY=\.\.\. ; PWD=\.\.\. ; USER=\.\.\. ; COMMAND=\.\.\.'/);
    expect(errors[2]).toContain("found '<300>'");
  });
});

describe('auth', () => {
  it('routes by program name: sshd, sudo, su and systemd-logind lines from one auth.log', () => {
    const lines = [
      'Mar 16 08:12:04 bastion sshd[3320]: Accepted password for root from 192.168.1.10 port 52311 ssh2',
      'Mar 16 09:00:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      'Mar 16 09:10:00 web1 su: FAILED SU (to root) alice on pts/0',
      'Mar 16 09:11:00 web1 systemd-logind[600]: New session 42 of user alice.',
      'Mar 16 09:12:00 web1 login[700]: FAILED LOGIN (1) on \'/dev/tty1\' FOR \'root\', Authentication failure',
    ].map((line) => parseRecord('auth', line, testContext()));
    const field = (i: number, path: string) => {
      const r = lines[i];
      return r.ok ? getField(r.event, path) : r.error;
    };
    expect(field(0, 'event.action')).toBe('ssh_login');
    expect(field(1, 'process.command_line')).toBe('/usr/bin/id');
    expect(field(2, 'event.outcome')).toBe('failure');
    expect(field(2, 'user.effective.name')).toBe('root');
    expect(field(3, 'event.category')).toEqual(['session']);
    expect(field(3, 'user.name')).toBe('alice');
    expect(field(4, 'event.outcome')).toBe('failure');
    expect(field(4, 'user.name')).toBe('root');
  });

  it('sniffs bare messages without a header', () => {
    const sudo = parseRecord('auth', 'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh', testContext());
    expect(sudo.ok && getField(sudo.event, 'user.effective.name')).toBe('root');
    const ssh = parseRecord('auth', 'Failed password for root from 198.51.100.1 port 22 ssh2', testContext());
    expect(ssh.ok && getField(ssh.event, 'event.outcome')).toBe('failure');
  });
});
