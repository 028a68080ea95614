/** Rules shared by the tenancy tests (and by the script that wrote `fixtures/engine-snapshot-v1.json`). */
export const SSH_FAILURE = `
title: SSH login failure
id: 3f1c7d52-0000-4000-8000-000000000001
name: ssh_failure
level: low
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    event.outcome: failure
  condition: selection
`;

export const SSH_SUCCESS = `
title: SSH login success
id: 3f1c7d52-0000-4000-8000-000000000002
name: ssh_success
level: low
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    event.outcome: success
  condition: selection
`;

/** Ten failures from one address within ten minutes. */
export const BRUTE_FORCE = `
title: SSH brute force
id: 3f1c7d52-0000-4000-8000-000000000003
name: ssh_brute_force
level: high
correlation:
  type: event_count
  rules: [ssh_failure]
  group-by: [source.ip]
  timespan: 10m
  condition: {gte: 10}
`;

/** Failures then a success from one address: a brute force that worked. */
export const BRUTE_FORCE_SUCCESS = `
title: SSH brute force then success
id: 3f1c7d52-0000-4000-8000-000000000004
name: ssh_brute_force_success
level: critical
correlation:
  type: temporal_ordered
  rules: [ssh_failure, ssh_success]
  group-by: [source.ip]
  timespan: 10m
`;

/** Detection with suppression: one alert per address and hour. */
export const ROOT_LOGIN = `
title: Root login
id: 3f1c7d52-0000-4000-8000-000000000005
level: medium
logsource:
  product: linux
  service: sshd
detection:
  selection:
    user.name: root
  condition: selection
socle:
  suppression:
    group-by: [source.ip]
    duration: 1h
`;

/** One address failing at several organisations of one SOC (a password spray across customers). */
export const SOC_SPRAY = `
title: SSH failures across the SOC's organisations
id: 3f1c7d52-0000-4000-8000-000000000006
name: soc_ssh_spray
level: high
correlation:
  type: event_count
  rules: [ssh_failure]
  group-by: [source.ip]
  timespan: 10m
  condition: {gte: 10}
socle:
  scope: soc
`;

export const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

/** An sshd event at `T0 + seconds`. */
export function sshEvent(o: { s: number; outcome?: 'failure' | 'success'; ip?: string; org?: string; user?: string; id?: string }): Record<string, unknown> {
  return {
    '@timestamp': new Date(T0 + o.s * 1000).toISOString(),
    event: { action: 'ssh_login', outcome: o.outcome ?? 'failure', ...(o.id ? { id: o.id } : {}) },
    source: { ip: o.ip ?? '203.0.113.7' },
    user: { name: o.user ?? 'alice' },
    ...(o.org !== undefined ? { organization: { id: o.org } } : {}),
  };
}
