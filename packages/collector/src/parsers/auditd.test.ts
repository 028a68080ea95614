import { describe, expect, it } from 'vitest';
import { getField } from './ecs.ts';
import { parseRecord } from './index.ts';
import { parseSamples, rejectSamples, testContext } from './test-samples.ts';

describe('auditd', () => {
  const [syscall, cwd, path, proctitle, execve, userLogin, enriched, userCmd] = parseSamples('auditd', 'auditd.log');

  it('reads the record header: type, time and serial', () => {
    expect(syscall('auditd.log.record_type')).toBe('SYSCALL');
    expect(syscall('auditd.log.sequence')).toBe(24287);
    expect(syscall('@timestamp')).toBe('2013-03-28T14:36:03.243Z');
    expect(syscall('event.action')).toBe('syscall');
    expect(syscall('event.dataset')).toBe('auditd.log');
  });

  it('maps the SYSCALL record of the RHEL example to ECS process and user fields', () => {
    expect(syscall('process.executable')).toBe('/bin/cat');
    expect(syscall('process.name')).toBe('cat');
    expect(syscall('process.pid')).toBe(3538);
    expect(syscall('process.parent.pid')).toBe(2686);
    expect(syscall('user.id')).toBe('1000');
    expect(syscall('user.audit.id')).toBe('1000');
    expect(syscall('event.outcome')).toBe('failure');
    expect(syscall('auditd.log.key')).toBe('sshd_config');
    expect(syscall('auditd.log.syscall')).toBe('2');
    expect(syscall('auditd.log.a0')).toBe('7fffd19c5592');
    expect(cwd('process.working_directory')).toBe('/home/shadowman');
    expect(path('file.path')).toBe('/etc/ssh/sshd_config');
    expect(path('auditd.log.objtype')).toBe('NORMAL');
  });

  it('decodes hex-encoded values: proctitle (NUL-separated), EXECVE arguments, cmd', () => {
    expect(proctitle('process.title')).toBe('cat /etc/ssh/sshd_config');
    expect(execve('process.args')).toEqual(['ls', '-l', '/tmp/my dir']);
    expect(execve('process.command_line')).toBe('ls -l /tmp/my dir');
    expect(userCmd('auditd.log.cmd')).toBe('ls -la');
    expect(userCmd('auditd.log.node')).toBe('web1');
  });

  it("flattens the user-space msg='...' list and reads the result", () => {
    expect(userLogin('event.category')).toEqual(['authentication']);
    expect(userLogin('event.outcome')).toBe('failure');
    expect(userLogin('user.name')).toBe('root');
    expect(userLogin('source.ip')).toBe('192.168.122.1');
    expect(userLogin('process.executable')).toBe('/usr/sbin/sshd');
    expect(userLogin('user.audit.id')).toBeUndefined(); // 4294967295 is auditd's "unset"
    expect(userLogin('auditd.log.terminal')).toBe('ssh');
  });

  it('keeps the interpreted fields of the ENRICHED format', () => {
    expect(enriched('auditd.log.SYSCALL')).toBe('execve');
    expect(enriched('auditd.log.AUID')).toBe('alice');
    expect(enriched('user.name')).toBe('root');
    expect(enriched('tags')).toBeUndefined(); // key=(null)
  });

  it('reads records relayed through syslog by audisp', () => {
    const result = parseRecord('syslog', '<133>Mar 16 10:00:00 web1 audisp-syslog: type=EXECVE msg=audit(1710583200.000:9): argc=2 a0="id" a1="-u"', testContext());
    expect(result.ok && getField(result.event, 'process.args')).toEqual(['id', '-u']);
    expect(result.ok && getField(result.event, 'host.hostname')).toBe('web1');
  });

  it('rejects broken records', () => {
    const errors = rejectSamples('auditd', 'auditd-malformed.log');
    expect(errors[0]).toMatch(/^auditd: expected 'type=<TYPE> msg=audit\(<seconds>\.<millis>:<serial>\): ' at column 1/);
    expect(errors[1]).toContain("expected 'type=<TYPE> msg=audit(");
    expect(errors[2]).toContain("expected 'type=<TYPE> msg=audit(");
    expect(errors[3]).toBe("auditd: unterminated ' quote in the value of 'msg' at column 56");
  });
});
