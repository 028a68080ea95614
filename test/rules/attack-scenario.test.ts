import { describe, expect, it } from 'vitest';
import { replayScenario } from './attack-scenario.ts';

describe('the socle-baseline attack scenario, from raw logs through the collector parsers and the engine', () => {
  it('parses every line, loads every rule, and tells the story of the attack in its alerts', async () => {
    const { alerts, rejected, parseErrors } = await replayScenario();
    expect(parseErrors).toEqual([]);
    expect(rejected).toEqual([]);
    const story = alerts.map((a) => a.rule.name);
    // Recon, then the web attack, the brute force that succeeds, privilege escalation, lateral movement, exfiltration.
    const chapters = [
      'Port Scan From One Address',
      'SQL Injection Attempt In A URL',
      'Path Traversal Attempt',
      'SSH Brute Force From One Address',
      'SSH Login Success After Brute Force',
      'Sudo To An Interactive Root Shell',
      'One Account Logging Into Many Hosts',
      'Large Outbound Data Volume From One Host',
    ];
    for (const chapter of chapters) expect(story, chapter).toContain(chapter);
    const order = chapters.map((c) => story.indexOf(c));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const byName = (name: string) => alerts.find((a) => a.rule.name === name)!;
    expect(byName('SSH Login Success After Brute Force').socle.correlation?.group).toEqual({ 'source.ip': '203.0.113.66' });
    expect(byName('One Account Logging Into Many Hosts').socle.correlation?.group).toEqual({ 'user.name': 'deploy' });
    expect(byName('Large Outbound Data Volume From One Host').socle.correlation).toMatchObject({
      group: { 'source.ip': '10.0.2.44', 'destination.ip': '198.51.100.200' },
      value: 5 * 104857600, // the fifth 100 MiB upload crosses the 500 MiB threshold
    });
    // alice's ordinary login on db-01 and the small upload from 10.0.3.15 raise nothing.
    expect(JSON.stringify(alerts)).not.toContain('10.0.3.15');
  });
});
