/**
 * The access audit trail: who read or tried to change what, and with what outcome. Auditor (layer 3) reads are
 * written here before the response is sent; if the write fails the read is refused. Denied requests are written too.
 */
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createMissingDir, makePrivate, PRIVATE_FILE_MODE } from '../private-files.ts';

export interface AccessAuditEntry {
  at: string;
  /** Token id; absent for requests that carried none or a malformed one. */
  tokenId?: string;
  layer?: number;
  method: string;
  /** Path and query string, with any credential-looking parameter or token text redacted. */
  target: string;
  status: number;
  /** Why a request was denied (401 reason, 403, 404 outside scope), for the server side only. */
  reason?: string;
  /** How many alerts or entries the response carried. */
  count?: number;
  /** Admin actions: what was done or refused (`reload`, `tokens.create`, `tokens.revoke`, ...). */
  action?: string;
  /** Admin actions: the token acted upon. */
  subject?: string;
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
  private tightened = false;

  constructor(readonly path: string) {}

  record(entry: AccessAuditEntry): Promise<void> {
    const run = this.pending.then(() => this.append(entry));
    this.pending = run.catch(() => undefined);
    return run;
  }

  private async append(entry: AccessAuditEntry): Promise<void> {
    if (!this.tightened) {
      await createMissingDir(dirname(this.path));
      await makePrivate(this.path);
      this.tightened = true;
    }
    const file = await open(this.path, 'a', PRIVATE_FILE_MODE);
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

