/**
 * The access audit trail: who read or tried to change what, and with what outcome. Auditor (layer 3) reads are
 * written here before the response is sent; if the write fails the read is refused. Denied requests are written too.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AccessAuditEntry {
  at: string;
  /** Token id; absent for requests that carried none or a malformed one. */
  tokenId?: string;
  layer?: number;
  method: string;
  /** Path and query string as received (query values are the caller's own filters; no secrets travel there). */
  target: string;
  status: number;
  /** Why a request was denied (401 reason, 403, 404 outside scope), for the server side only. */
  reason?: string;
  /** How many alerts or entries the response carried. */
  count?: number;
}

export interface AccessAuditLog {
  record(entry: AccessAuditEntry): Promise<void>;
}

export class MemoryAccessAuditLog implements AccessAuditLog {
  readonly entries: AccessAuditEntry[] = [];
  async record(entry: AccessAuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

/** Append-only NDJSON, created with mode 0600, each entry synced to disk before `record` resolves. */
export class FileAccessAuditLog implements AccessAuditLog {
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  record(entry: AccessAuditEntry): Promise<void> {
    const run = this.pending.then(() => this.append(entry));
    this.pending = run.catch(() => undefined);
    return run;
  }

  private async append(entry: AccessAuditEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a', 0o600);
    try {
      await file.write(JSON.stringify(entry) + '\n');
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  async readAll(): Promise<AccessAuditEntry[]> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as AccessAuditEntry);
  }
}

