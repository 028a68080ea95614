/** Rules shared by the embedded-mode and hot reload tests: failed SSH logins and a brute force over them. */
export const FAILURE_ID = '11111111-1111-4111-8111-111111111111';
export const BRUTE_FORCE_ID = '22222222-2222-4222-8222-222222222222';
export const SUDO_ID = '33333333-3333-4333-8333-333333333333';

export const FAILURE_RULE = `
title: Test SSH Failure
id: ${FAILURE_ID}
name: t_ssh_failure
logsource: {product: linux, service: sshd}
detection:
  selection: {event.action: ssh_login, event.outcome: failure}
  condition: selection
level: low
`;

export const bruteForceRule = (threshold = 3) => `
title: Test SSH Brute Force
id: ${BRUTE_FORCE_ID}
correlation:
  type: event_count
  rules: [t_ssh_failure]
  generate: true
  group-by: [source.ip]
  timespan: 5m
  condition: {gte: ${threshold}}
level: high
`;

export const SUDO_RULE = `
title: Test sudo
id: ${SUDO_ID}
logsource: {product: linux, service: sudo}
detection:
  selection: {process.name: sudo}
  condition: selection
level: low
`;

/** A rule whose detection refers to an identifier it does not define. */
export const BROKEN_RULE = `
title: Broken rule
id: 44444444-4444-4444-8444-444444444444
logsource: {product: linux, service: sudo}
detection:
  selection: {process.name: sudo}
  condition: selection and missing_identifier
level: low
`;

/** An sshd "Failed password" syslog line at 09:00:<second>, from 198.51.100.7 to web-01. */
export const failureLine = (second: number) =>
  `Mar 14 09:00:${String(second).padStart(2, '0')} web-01 sshd[${100 + second}]: Failed password for root from 198.51.100.7 port ${40000 + second} ssh2\n`;
