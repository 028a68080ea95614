/** Alerts shaped like the engine's, for the sharing tests. */
import type { Alert } from '@socle/core';

export function detectionAlert(overrides: Partial<Alert> & Record<string, unknown> = {}): Alert {
  return {
    '@timestamp': '2026-03-14T09:18:04.000Z',
    event: { kind: 'alert', id: 'a1b2c3d4e5f60718', severity: 73, reference: 'auth:42' },
    rule: { id: 'socle-ssh-login-after-bruteforce', name: 'SSH login from a brute-forcing address', category: 'detection', description: 'A password login succeeded from an address that failed many times.' },
    tags: ['attack.credential-access', 'attack.t1110.001'],
    threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1110'], reference: [], subtechnique: { id: ['T1110.001'], reference: [] } } },
    socle: { level: 'high', eventId: 'auth:42' },
    organization: { id: 'acme' },
    host: { name: 'app-02', ip: ['10.20.0.12'] },
    user: { name: 'deploy', email: 'deploy@acme.example' },
    source: { ip: '203.0.113.66' },
    destination: { ip: '10.20.0.12', domain: 'evil-updates.example.net' },
    file: { hash: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', md5: 'd41d8cd98f00b204e9800998ecf8427e' } },
    'socle.event': { message: 'Accepted password for deploy from 203.0.113.66 port 52144 ssh2', host: { name: 'app-02' } },
    ...overrides,
  } as Alert;
}
