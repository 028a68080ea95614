import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '@socle/core';
import { parseConfigText, validateConfig } from './load-config.ts';

const problems = (text: string): string[] => {
  try {
    parseConfigText(text, 'collector.yaml');
  } catch (error) {
    // the position is checked once below; the other cases look at the path and message
    if (error instanceof ConfigFileError) return error.problems.map((p) => p.replace(/^collector\.yaml:\d+:\d+: /, ''));
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('collector configuration', () => {
  it('fills defaults for a minimal file', () => {
    const config = parseConfigText(
      `inputs:\n  - {type: syslog-tcp, organization: acme, format: syslog, listen: "127.0.0.1:5514"}\noutput: {type: kafka, brokers: ["127.0.0.1:9092"]}\n`,
      'collector.yaml',
    );
    expect(config.buffer).toEqual({ capacity: 10_000, batchSize: 500, lingerMs: 20, inFlight: 2 });
    expect(config.output).toMatchObject({ topic: 'socle.events', keyField: 'host.name', compression: 'gzip', deadLetterTopic: 'socle.deadletter' });
    expect(config.inputs[0]).toMatchObject({ maxConnections: 1000, maxMessageBytes: 65536 });
  });

  it('names the path of every wrong field', () => {
    const found = problems(
      [
        'inputs:',
        '  - {type: syslog-tcp, organization: acme, format: syslog, listen: "nowhere"}',
        '  - {type: file, organization: acme, format: ndjson, paths: [], stateFile: /tmp/s.json, colour: red}',
        'output: {type: kafka, brokers: []}',
        'buffer: {capacity: 0}',
      ].join('\n'),
    );
    expect(found).toContain('inputs.0.listen: expected host:port, [v6]:port or a port, e.g. 127.0.0.1:5514');
    expect(found.some((p) => p.startsWith('inputs.1: unknown key(s) "colour"'))).toBe(true);
    expect(found.some((p) => p.startsWith('inputs.1.paths:'))).toBe(true);
    expect(found.some((p) => p.startsWith('output.brokers:'))).toBe(true);
    expect(found.some((p) => p.startsWith('buffer.capacity:'))).toBe(true);
  });

  it('rejects a format no parser knows, listing the known ones', () => {
    const found = problems('inputs:\n  - {type: stdin, organization: a, format: klingon}\noutput: {type: stdout}\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^inputs\.0\.format: unknown format; expected one of .*syslog.*json/);
  });

  it('rejects an unknown input type and says where', () => {
    const found = problems('inputs:\n  - {type: carrier-pigeon, organization: a, format: b}\noutput: {type: stdout}\n');
    expect(found).toEqual(['inputs.0.type: type must be one of syslog-udp, syslog-tcp, syslog-tls, file, http, stdin']);
  });

  it('refuses HTTP ingest without tokens and short tokens', () => {
    expect(problems('inputs:\n  - {type: http, listen: "127.0.0.1:8080", tokens: []}\noutput: {type: stdout}\n')).toContain(
      'inputs.0.tokens: at least one token is needed: HTTP ingest is never anonymous',
    );
    expect(problems('inputs:\n  - {type: http, listen: "127.0.0.1:8080", tokens: [{token: short, organization: a}]}\noutput: {type: stdout}\n').join('\n')).toMatch(
      /inputs\.0\.tokens\.0/,
    );
  });

  it('reports YAML syntax errors with the line and the file', () => {
    try {
      parseConfigText('inputs:\n  - type: stdin\n bad: [\n', 'collector.yaml');
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigFileError);
      expect((error as ConfigFileError).message).toMatch(/^collector\.yaml: invalid configuration\n {2}collector\.yaml:3:1: /);
    }
  });

  it('names the line and column of a wrong field in a file, and the path alone for the command line', () => {
    const text = 'inputs:\n  - type: syslog-tcp\n    organization: acme\n    listen: nowhere\noutput: {type: stdout}\n';
    expect(() => parseConfigText(text, 'collector.yaml')).toThrow('collector.yaml:4:13: inputs.0.listen: expected host:port');
    expect(() => validateConfig({ inputs: [], output: { type: 'stdout' } }, 'command line')).toThrow('command line: inputs: configure at least one input');
  });
});
