import { setField, toPort } from './ecs.ts';
import { authFragment, setSource, setUser } from './auth-fields.ts';
import { parsePamMessage } from './pam.ts';
import type { MessageOutcome } from './types.ts';

// OpenSSH auth.c: "%s %s%s for %s%.100s from %.200s port %d ssh2%s" (the last part is ": RSA SHA256:...").
const LOGIN = /^(Accepted|Failed|Partial) ([\w/@.-]{1,64}) for (invalid user )?(\S{0,256}) from (\S{1,200}) port (\d{1,5})(?: (ssh2|ssh1))?(?:: (.{0,512}))?$/;
const INVALID_USER = /^Invalid user (\S{0,256}) from (\S{1,200})(?: port (\d{1,5}))?$/;
// "Disconnected from [invalid |authenticating ]user alice 10.0.0.5 port 50122 [preauth]" and the same for
// "Connection closed by"; older versions log only the address.
const CLOSED_WITH_USER = /^(Disconnected from|Connection closed by) (invalid |authenticating )?user (\S{0,256}) (\S{1,200}) port (\d{1,5})( \[preauth\])?$/;
const CLOSED = /^(Disconnected from|Connection closed by) (\S{1,200}) port (\d{1,5})( \[preauth\])?$/;
const RECEIVED_DISCONNECT = /^Received disconnect from (\S{1,200}) port (\d{1,5}):(\d{1,3}): (.{0,512}?)( \[preauth\])?$/;
const MAX_ATTEMPTS = /^error: maximum authentication attempts exceeded for (invalid user )?(\S{0,256}) from (\S{1,200}) port (\d{1,5}) ssh2( \[preauth\])?$/;

/** sshd messages (the MSG of `sshd[pid]:` or `sshd-session[pid]:`), mapped as Filebeat's system.auth does. */
export function parseSshdMessage(message: string): MessageOutcome {
  let m = LOGIN.exec(message);
  if (m) {
    const [, verb, method, invalid, user, address, port, , signature] = m;
    if (toPort(port) === undefined) return { kind: 'error', error: `sshd: port ${port} is out of range (0-65535)` };
    const fields = authFragment('ssh_login', 'authentication', 'info', verb === 'Accepted' ? 'success' : 'failure');
    setUser(fields, user);
    setSource(fields, address, port);
    setField(fields, 'system.auth.ssh.event', verb);
    setField(fields, 'system.auth.ssh.method', method);
    setField(fields, 'system.auth.ssh.signature', signature);
    if (invalid) setField(fields, 'system.auth.ssh.invalid_user', true);
    return { kind: 'parsed', fields };
  }
  if ((m = INVALID_USER.exec(message))) {
    const fields = authFragment('ssh_login', 'authentication', 'info', 'failure');
    setUser(fields, m[1]);
    setSource(fields, m[2], m[3]);
    setField(fields, 'system.auth.ssh.event', 'Invalid');
    setField(fields, 'system.auth.ssh.invalid_user', true);
    return { kind: 'parsed', fields };
  }
  if ((m = MAX_ATTEMPTS.exec(message))) {
    const fields = authFragment('ssh_login', 'authentication', 'info', 'failure');
    setUser(fields, m[2]);
    setSource(fields, m[3], m[4]);
    setField(fields, 'system.auth.ssh.event', 'MaxAttempts');
    setField(fields, 'event.reason', 'maximum authentication attempts exceeded');
    return { kind: 'parsed', fields };
  }
  if ((m = CLOSED_WITH_USER.exec(message))) {
    const fields = authFragment('ssh_disconnect', 'session', 'end');
    setUser(fields, m[3]);
    setSource(fields, m[4], m[5]);
    setField(fields, 'system.auth.ssh.event', m[1] === 'Disconnected from' ? 'Disconnected' : 'Closed');
    if (m[2]) setField(fields, 'system.auth.ssh.user_state', m[2].trim());
    if (m[6]) setField(fields, 'system.auth.ssh.preauth', true);
    return { kind: 'parsed', fields };
  }
  if ((m = CLOSED.exec(message))) {
    const fields = authFragment('ssh_disconnect', 'session', 'end');
    setSource(fields, m[2], m[3]);
    setField(fields, 'system.auth.ssh.event', m[1] === 'Disconnected from' ? 'Disconnected' : 'Closed');
    if (m[4]) setField(fields, 'system.auth.ssh.preauth', true);
    return { kind: 'parsed', fields };
  }
  if ((m = RECEIVED_DISCONNECT.exec(message))) {
    const fields = authFragment('ssh_disconnect', 'session', 'end');
    setSource(fields, m[1], m[2]);
    setField(fields, 'system.auth.ssh.event', 'Disconnected');
    setField(fields, 'event.reason', m[4]);
    if (m[5]) setField(fields, 'system.auth.ssh.preauth', true);
    return { kind: 'parsed', fields };
  }
  if (message.startsWith('Accepted ') || message.startsWith('Failed ')) {
    return {
      kind: 'error',
      error: `sshd: expected '<Accepted|Failed> <method> for <user> from <address> port <port> ssh2', found '${message.slice(0, 120)}'`,
    };
  }
  return parsePamMessage(message);
}
