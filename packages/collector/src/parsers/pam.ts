import { setField } from './ecs.ts';
import { authFragment, setSource, setUser } from './auth-fields.ts';
import { tokenizeKeyValues } from './kv-tokens.ts';
import type { MessageOutcome } from './types.ts';

// `pam_unix(sshd:auth): ...`: module, service and management group, then free text.
const PAM_PREFIX = /^(pam_[\w-]{1,40})\(([\w.@-]{1,64}):(\w{1,16})\): /;
// `session opened for user root(uid=0) by alice(uid=1000)`; both users are optional in some PAM versions.
const SESSION = /^session (opened|closed) for user ([^\s(]{1,256})(?:\(uid=(\d{1,10})\))?(?: by ([^\s(]{0,256})(?:\(uid=(\d{1,10})\))?)?$/;
// util-linux su: `FAILED SU (to root) alice on pts/0`, `(to root) alice on pts/1`, `Successful su for root by alice`.
const SU_FAILED = /^FAILED SU \(to ([^\s)]{1,256})\) (\S{1,256}) on (\S{1,64})$/;
const SU_OPENED = /^\(to ([^\s)]{1,256})\) (\S{1,256}) on (\S{1,64})$/;
const SU_SUCCESS = /^Successful su for (\S{1,256}) by (\S{1,256})$/;
const LOGIN_FAILED = /^FAILED LOGIN \(\d{1,5}\) on '([^']{1,64})' FOR '([^']{1,256})', (.{1,256})$/;
const LOGIND_SESSION = /^New session (\S{1,64}) of user ([^\s.]{1,256})\.$/;

/** PAM and login-program lines found in auth.log, whatever the program. */
export function parsePamMessage(message: string): MessageOutcome {
  const pam = PAM_PREFIX.exec(message);
  if (pam) {
    const [prefix, module, service, group] = pam;
    const text = message.slice(prefix.length);
    if (text.startsWith('authentication failure;')) {
      const fields = authFragment('authentication_failure', 'authentication', 'info', 'failure');
      const kv = new Map<string, string>();
      for (const token of tokenizeKeyValues(text.slice('authentication failure;'.length)).tokens) {
        if (token.key) kv.set(token.key, token.value);
      }
      setUser(fields, kv.get('user') || kv.get('ruser') || kv.get('logname'));
      setSource(fields, kv.get('rhost'));
      setField(fields, 'user.id', kv.get('uid'));
      setField(fields, 'user.effective.id', kv.get('euid'));
      setField(fields, 'system.auth.pam.tty', kv.get('tty'));
      setField(fields, 'system.auth.pam.module', module);
      setField(fields, 'system.auth.pam.service', service);
      setField(fields, 'system.auth.pam.group', group);
      return { kind: 'parsed', fields };
    }
    const session = SESSION.exec(text);
    if (session) {
      const opened = session[1] === 'opened';
      const fields = authFragment(opened ? 'session_opened' : 'session_closed', 'session', opened ? 'start' : 'end', 'success');
      setUser(fields, session[2]);
      setField(fields, 'user.id', session[3]);
      if (session[4]) setField(fields, 'system.auth.pam.by', session[4]);
      setField(fields, 'system.auth.pam.module', module);
      setField(fields, 'system.auth.pam.service', service);
      setField(fields, 'system.auth.pam.group', group);
      return { kind: 'parsed', fields };
    }
    return { kind: 'unrecognised' };
  }
  let m = SU_FAILED.exec(message);
  if (m) {
    const fields = authFragment('su', 'authentication', 'info', 'failure');
    setUser(fields, m[2]);
    setField(fields, 'user.effective.name', m[1]);
    setField(fields, 'system.auth.pam.tty', m[3]);
    return { kind: 'parsed', fields };
  }
  if ((m = SU_OPENED.exec(message))) {
    const fields = authFragment('su', 'authentication', 'info', 'success');
    setUser(fields, m[2]);
    setField(fields, 'user.effective.name', m[1]);
    setField(fields, 'system.auth.pam.tty', m[3]);
    return { kind: 'parsed', fields };
  }
  if ((m = SU_SUCCESS.exec(message))) {
    const fields = authFragment('su', 'authentication', 'info', 'success');
    setUser(fields, m[2]);
    setField(fields, 'user.effective.name', m[1]);
    return { kind: 'parsed', fields };
  }
  if ((m = LOGIN_FAILED.exec(message))) {
    const fields = authFragment('login', 'authentication', 'info', 'failure');
    setUser(fields, m[2]);
    setField(fields, 'system.auth.pam.tty', m[1]);
    setField(fields, 'event.reason', m[3]);
    return { kind: 'parsed', fields };
  }
  if ((m = LOGIND_SESSION.exec(message))) {
    const fields = authFragment('session_opened', 'session', 'start', 'success');
    setUser(fields, m[2]);
    setField(fields, 'system.auth.session_id', m[1]);
    return { kind: 'parsed', fields };
  }
  return { kind: 'unrecognised' };
}
