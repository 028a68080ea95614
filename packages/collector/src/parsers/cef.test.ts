import { describe, expect, it } from 'vitest';
import { parseCefExtension } from './cef.ts';
import { getField } from './ecs.ts';
import { parseRecord } from './index.ts';
import { parseSamples, rejectSamples, testContext } from './test-samples.ts';

describe('CEF', () => {
  const [basic, pipe, backslash, equals, multiline, paloAlto, fortigateSession, checkPointDrop] = parseSamples('cef', 'cef.log');

  it('reads the header into cef.* and ECS observer/event fields', () => {
    expect(basic('cef.version')).toBe('0');
    expect(basic('cef.device.vendor')).toBe('Security');
    expect(basic('cef.device.product')).toBe('threatmanager');
    expect(basic('cef.device.event_class_id')).toBe('100');
    expect(basic('observer.vendor')).toBe('Security');
    expect(basic('event.code')).toBe('100');
    expect(basic('event.severity')).toBe(10);
    expect(basic('message')).toBe('worm successfully stopped');
    expect(basic('source.ip')).toBe('10.0.0.1');
    expect(basic('source.port')).toBe(1232);
    expect(basic('destination.ip')).toBe('2.1.2.2');
    expect(basic('cef.extensions.spt')).toBe('1232');
  });

  it('handles the escapes of the CEF guide: \\| in the header, \\\\ and \\= in values, spaces in values', () => {
    expect(pipe('cef.name')).toBe('detected a | in message');
    expect(pipe('event.action')).toBe('blocked a |');
    expect(pipe('destination.ip')).toBe('1.1.1.1');
    expect(pipe('host.hostname')).toBe('host');
    expect(pipe('@timestamp')).toBe('2023-09-19T08:26:10.000Z');
    expect(backslash('cef.name')).toBe('detected a \\ in packet');
    expect(backslash('event.action')).toBe('blocked a \\');
    expect(equals('event.action')).toBe('blocked a =');
    expect(multiline('message')).toBe('Detected a threat.\n No action needed.');
    expect(multiline('cef.extensions.cs1')).toBe('Default Policy');
    expect(multiline('cef.extensions.cs1Label')).toBe('Policy');
    expect(multiline('source.user.name')).toBe('alice');
    expect(multiline('destination.user.name')).toBe('bob');
    expect(multiline('event.severity')).toBe(8);
    expect(multiline('@timestamp')).toBe('2015-02-09T00:27:43.000Z');
  });

  it('maps traffic fields and epoch-millisecond rt from a syslog-framed record', () => {
    expect(paloAlto('@timestamp')).toBe('2015-02-09T00:27:43.000Z');
    expect(paloAlto('network.transport')).toBe('tcp');
    expect(paloAlto('event.action')).toBe('allow');
    expect(paloAlto('source.bytes')).toBe(1200);
    expect(paloAlto('destination.bytes')).toBe(5300);
    expect(paloAlto('destination.port')).toBe(443);
    expect(paloAlto('url.original')).toBe('https://example.com/index.html?a=1');
    expect(paloAlto('log.syslog.priority')).toBe(134);
  });

  it('describes a firewall session as Filebeat does: in = bytes the client sent, deviceDirection 1 = outbound', () => {
    expect(fortigateSession('source.bytes')).toBe(115343360);
    expect(fortigateSession('destination.bytes')).toBe(1048576);
    expect(fortigateSession('network.direction')).toBe('outbound');
    expect(fortigateSession('event.action')).toBe('accept');
    expect(fortigateSession('event.start')).toBe('2026-03-14T09:40:31.000Z');
    expect(fortigateSession('@timestamp')).toBe('2026-03-14T09:41:52.000Z');
    expect(fortigateSession('observer.hostname')).toBe('fgt-01');
    expect(fortigateSession('cef.extensions.deviceEventCategory')).toBe('traffic:forward');
  });

  it('marks connection records of firewalls (by product or by cat) so the firewall pipeline can recognise them', () => {
    for (const session of [fortigateSession, checkPointDrop]) {
      expect(session('event.dataset')).toBe('cef.log');
      expect(session('observer.type')).toBe('firewall');
      expect(session('event.category')).toEqual(['network']);
    }
    expect(fortigateSession('event.type')).toEqual(['connection', 'allowed']);
    expect(checkPointDrop('event.type')).toEqual(['connection', 'denied']);
    expect(checkPointDrop('network.direction')).toBe('inbound');
    expect(paloAlto('observer.type')).toBe('firewall');
  });

  it('does not call other devices firewalls, nor records without both ends connections', () => {
    expect(basic('observer.type')).toBeUndefined();
    expect(basic('event.category')).toEqual(['network']);
    expect(basic('event.type')).toEqual(['connection']);
    expect(multiline('event.category')).toBeUndefined();
    expect(multiline('network.direction')).toBeUndefined();
  });

  it('leaves network.direction out when deviceDirection is not 0 or 1, keeping the raw value', () => {
    const result = parseRecord('cef', 'CEF:0|Fortinet|FortiGate|7.2.8|13|traffic|3|deviceDirection=2 src=10.0.0.1 dst=192.0.2.1', testContext());
    expect(result.ok && getField(result.event, 'network.direction')).toBeUndefined();
    expect(result.ok && getField(result.event, 'cef.extensions.deviceDirection')).toBe('2');
  });

  it('reads values that contain "=" only when escaped, and keeps trailing spaces out', () => {
    expect(parseCefExtension('msg=a b c  cs1=x\\=y ', 0)).toEqual(new Map([['msg', 'a b c'], ['cs1', 'x=y']]));
  });

  it('rejects malformed records saying what was expected', () => {
    const errors = rejectSamples('cef', 'cef-malformed.log');
    expect(errors[0]).toMatch(/^cef: expected 7 '\|'-terminated header fields after 'CEF:'.*found 5 '\|'$/);
    expect(errors[1]).toBe("cef: expected a version number after 'CEF:', found 'X'");
    expect(errors[2]).toBe("cef: expected key=value in the extension at column 19, found '=novalue src=1.2.3.4'");
    expect(errors[3]).toMatch(/^cef: expected 'CEF:<version>\|/);
  });
});
