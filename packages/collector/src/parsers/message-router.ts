import { parseAccessLogLine } from './access-log.ts';
import { parseAuditdMessage } from './auditd.ts';
import { parseCefMessage } from './cef.ts';
import { parseIptablesMessage } from './iptables.ts';
import { parseLeefMessage } from './leef.ts';
import { parsePamMessage } from './pam.ts';
import { parseSshdMessage } from './sshd.ts';
import { parseSudoMessage } from './sudo.ts';
import type { MessageOutcome } from './types.ts';

const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);
const AUDIT_PROGRAMS = new Set(['audit', 'auditd', 'audispd', 'audisp-syslog']);
const APACHE_PROGRAMS = new Set(['apache', 'apache2', 'httpd']);
const LOGIN_PROGRAMS = new Set(['su', 'login', 'passwd', 'systemd-logind', 'polkitd', 'gdm-password', 'chsh', 'chfn', 'useradd', 'groupadd']);

/** Which message parser a program's messages go to; undefined when none is known. */
export type MessageFormat = 'sshd' | 'sudo' | 'pam' | 'iptables' | 'auditd' | 'cef' | 'leef' | 'nginx' | 'apache';

/** Picks the parser from the payload marker (CEF:/LEEF:/type=) first, then from the program name. */
export function chooseMessageFormat(appName: string | undefined, message: string): MessageFormat | undefined {
  const head = message.trimStart();
  if (head.startsWith('CEF:')) return 'cef';
  if (head.startsWith('LEEF:')) return 'leef';
  const app = (appName ?? '').toLowerCase();
  if (SSHD_PROGRAMS.has(app)) return 'sshd';
  if (app === 'sudo') return 'sudo';
  if (AUDIT_PROGRAMS.has(app) || ((head.startsWith('type=') || head.startsWith('node=')) && head.includes('audit('))) return 'auditd';
  if (app === 'kernel' || head.includes(' OUT=')) return 'iptables';
  if (app === 'nginx') return 'nginx';
  if (APACHE_PROGRAMS.has(app)) return 'apache';
  if (LOGIN_PROGRAMS.has(app) || head.startsWith('pam_')) return 'pam';
  return undefined;
}

export function parseMessageAs(format: MessageFormat, message: string, receivedAt: string): MessageOutcome {
  switch (format) {
    case 'sshd': return parseSshdMessage(message);
    case 'sudo': return parseSudoMessage(message);
    case 'pam': return parsePamMessage(message);
    case 'iptables': return parseIptablesMessage(message);
    case 'auditd': return parseAuditdMessage(message);
    case 'cef': return parseCefMessage(message, receivedAt);
    case 'leef': return parseLeefMessage(message, receivedAt);
    case 'nginx': return parseAccessLogLine(message, 'nginx');
    case 'apache': return parseAccessLogLine(message, 'apache');
  }
}
