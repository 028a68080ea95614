import { addValue, setField, toPort, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';

/** Starts a `system.auth` fragment (Filebeat's dataset for /var/log/auth.log and secure). */
export function authFragment(action: string, category: string, type: string, outcome?: 'success' | 'failure'): EcsEvent {
  const fields: EcsEvent = {};
  setField(fields, 'event.module', 'system');
  setField(fields, 'event.dataset', 'system.auth');
  setField(fields, 'event.kind', 'event');
  setField(fields, 'event.action', action);
  setField(fields, 'event.category', [category]);
  setField(fields, 'event.type', [type]);
  setField(fields, 'event.outcome', outcome);
  return fields;
}

export function setUser(fields: EcsEvent, name: string | undefined): void {
  if (!name) return;
  setField(fields, 'user.name', name);
  addValue(fields, 'related.user', name);
}

/** Source address and port; a host name that is not an IP goes to `source.domain`. */
export function setSource(fields: EcsEvent, address: string | undefined, port?: string): void {
  if (!address) return;
  if (isIp(address)) {
    setField(fields, 'source.ip', address);
    addValue(fields, 'related.ip', address);
  } else {
    setField(fields, 'source.domain', address);
    addValue(fields, 'related.hosts', address);
  }
  setField(fields, 'source.address', address);
  setField(fields, 'source.port', toPort(port));
}
