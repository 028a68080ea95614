import { getField, setField, type EcsEvent } from './ecs.ts';

/** Small conversions shared by the Windows enrichments. */

export function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const slash = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return path.slice(slash + 1);
}

/** Decimal (Sysmon) or `0x`-prefixed hexadecimal (Security log) process id. */
export function processId(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const n = text.startsWith('0x') || text.startsWith('0X') ? parseInt(text.slice(2), 16) : Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Sets a field only when the document does not already have it (Winlogbeat's own values win). */
export function fill(event: EcsEvent, path: string, value: unknown): void {
  if (getField(event, path) === undefined) setField(event, path, value);
}

/** `NT AUTHORITY\SYSTEM` to `user.domain` and `user.name`. */
export function fillUser(event: EcsEvent, account: string | undefined): void {
  if (!account) return;
  const slash = account.indexOf('\\');
  fill(event, 'user.domain', slash >= 0 ? account.slice(0, slash) : undefined);
  fill(event, 'user.name', slash >= 0 ? account.slice(slash + 1) : account);
}
