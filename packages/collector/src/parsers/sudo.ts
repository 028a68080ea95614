import { setField } from './ecs.ts';
import { authFragment, setUser } from './auth-fields.ts';
import { parsePamMessage } from './pam.ts';
import type { MessageOutcome } from './types.ts';

const SUDO_KEYS = new Set(['TTY', 'PWD', 'USER', 'GROUP', 'ENV', 'TSID', 'COMMAND', 'CHROOT']);

/**
 * sudo's log line: `alice : [problem ; ]TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id`.
 * COMMAND is last and may itself contain ` ; `, so it takes the rest of the line.
 */
export function parseSudoMessage(message: string): MessageOutcome {
  const text = message.trimStart();
  const colon = text.indexOf(' : ');
  if (colon <= 0 || text.slice(0, colon).includes(' ')) return parsePamMessage(text);
  const user = text.slice(0, colon);
  const values = new Map<string, string>();
  const problems: string[] = [];
  let rest = text.slice(colon + 3);
  while (rest.length > 0) {
    const eq = rest.indexOf('=');
    const key = eq > 0 ? rest.slice(0, eq) : '';
    if (key === 'COMMAND') {
      values.set(key, rest.slice(eq + 1));
      break;
    }
    const separator = rest.indexOf(' ; ');
    const segment = separator >= 0 ? rest.slice(0, separator) : rest;
    if (SUDO_KEYS.has(key) && eq < segment.length) values.set(key, segment.slice(eq + 1));
    else problems.push(segment);
    rest = separator >= 0 ? rest.slice(separator + 3) : '';
  }
  if (!values.has('COMMAND') && !values.has('USER')) {
    return { kind: 'error', error: `sudo: expected 'user : TTY=... ; PWD=... ; USER=... ; COMMAND=...', found '${text.slice(0, 120)}'` };
  }
  const problem = problems.join(' ; ');
  const passwordProblem = problem.includes('password attempt');
  const fields = problem
    ? authFragment(passwordProblem ? 'sudo_authentication' : 'sudo_command', passwordProblem ? 'authentication' : 'process', passwordProblem ? 'info' : 'denied', 'failure')
    : authFragment('sudo_command', 'process', 'start', 'success');
  setUser(fields, user);
  setField(fields, 'user.effective.name', values.get('USER'));
  setField(fields, 'user.effective.group.name', values.get('GROUP'));
  setField(fields, 'process.command_line', values.get('COMMAND'));
  setField(fields, 'process.working_directory', values.get('PWD'));
  setField(fields, 'event.reason', problem);
  setField(fields, 'system.auth.sudo.tty', values.get('TTY'));
  setField(fields, 'system.auth.sudo.pwd', values.get('PWD'));
  setField(fields, 'system.auth.sudo.user', values.get('USER'));
  setField(fields, 'system.auth.sudo.command', values.get('COMMAND'));
  setField(fields, 'system.auth.sudo.error', problem);
  return { kind: 'parsed', fields };
}
