/**
 * API tokens. A token is `socle_<id>_<secret>`: the 256-bit secret is shown once at creation and stored only as
 * SHA-256(salt || secret) with a per-token random salt (the secret is random and long, so a slow hash adds nothing),
 * compared in constant time. The store is a JSON file written with mode 0600; a running server re-reads it when it
 * changes, so `socle tokens revoke` takes effect without a restart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { LAYERS, ROLES, type Layer, type Role } from './principal.ts';
import { createMissingDirSync, PRIVATE_FILE_MODE } from '../private-files.ts';

export interface TokenRecord {
  id: string;
  /** Hex SHA-256 of salt bytes followed by the secret's UTF-8 text. */
  hash: string;
  salt: string;
  layer: Layer;
  organizations: string[];
  role: Role;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  revokedAt?: string;
  description?: string;
  /** A central admin token (role admin): rule set, reloads, tokens of any organisation. */
  central?: boolean;
}

/** What `authenticate` needs; the file store implements it, tests may use the in-memory one. */
export interface TokenStore {
  find(id: string): TokenRecord | undefined;
  verifySecret(record: TokenRecord, secret: string): boolean;
}

export interface NewToken {
  layer: Layer;
  organizations: string[];
  role: Role;
  /** ISO 8601 expiry. */
  expiresAt: string;
  createdBy: string;
  description?: string;
  /** Central admin (role admin, layer 2 only). */
  central?: boolean;
}

export interface CreatedToken {
  record: TokenRecord;
  /** The full bearer token, `socle_<id>_<secret>`; not stored anywhere, shown once. */
  token: string;
}

const ORG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Checks the layer/organisation/role combination; throws an error naming the field at fault. */
export function validateNewToken(input: NewToken, now: number): void {
  if (!LAYERS.includes(input.layer)) throw new Error(`layer: ${String(input.layer)} is not a layer (use 1, 2, 3 or 4)`);
  if (!ROLES.includes(input.role)) throw new Error(`role: '${input.role}' is not a role (use ${ROLES.join(', ')})`);
  for (const org of input.organizations) {
    if (!ORG_PATTERN.test(org)) throw new Error(`org: '${org}' is not a valid organisation id (letters, digits, . _ -; at most 128)`);
  }
  if (input.layer === 1 && input.organizations.length !== 1) throw new Error(`org: a layer-1 token covers exactly one organisation (got ${input.organizations.length})`);
  if ((input.layer === 2 || input.layer === 3) && input.organizations.length === 0) throw new Error(`org: a layer-${input.layer} token needs at least one --org`);
  if (input.layer === 3 && input.role !== 'auditor') throw new Error(`role: a layer-3 token is an auditor token (got '${input.role}')`);
  if (input.role === 'auditor' && input.layer !== 3) throw new Error(`role: auditor tokens are layer 3 (got layer ${input.layer})`);
  if (input.layer === 4 && input.role !== 'national') throw new Error(`role: a layer-4 token is a national token (got '${input.role}')`);
  if (input.role === 'national' && input.layer !== 4) throw new Error(`role: national tokens are layer 4 (got layer ${input.layer})`);
  if (input.central && (input.role !== 'admin' || input.layer !== 2)) throw new Error(`central: only a layer-2 admin token can be a central admin (got layer ${input.layer}, ${input.role})`);
  const expiry = Date.parse(input.expiresAt);
  if (!Number.isFinite(expiry)) throw new Error(`expires: '${input.expiresAt}' is not a date`);
  if (expiry <= now) throw new Error(`expires: ${input.expiresAt} is already past`);
}

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(Buffer.from(salt, 'hex')).update(secret, 'utf8').digest('hex');
}

function verify(record: TokenRecord, secret: string): boolean {
  const expected = Buffer.from(record.hash, 'hex');
  const actual = Buffer.from(hashSecret(record.salt, secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Makes a token and its record; the caller stores the record and shows the token once. */
export function mintToken(input: NewToken, now: number): CreatedToken {
  validateNewToken(input, now);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  const salt = randomBytes(16).toString('hex');
  const record: TokenRecord = {
    id,
    hash: hashSecret(salt, secret),
    salt,
    layer: input.layer,
    organizations: [...new Set(input.organizations)],
    role: input.role,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(Date.parse(input.expiresAt)).toISOString(),
    createdBy: input.createdBy,
    ...(input.description ? { description: input.description } : {}),
    ...(input.central ? { central: true } : {}),
  };
  return { record, token: `socle_${id}_${secret}` };
}

/** Tokens held in memory (tests, embedding). */
export class MemoryTokenStore implements TokenStore {
  protected records = new Map<string, TokenRecord>();

  find(id: string): TokenRecord | undefined {
    return this.records.get(id);
  }

  verifySecret(record: TokenRecord, secret: string): boolean {
    return verify(record, secret);
  }

  list(): TokenRecord[] {
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  create(input: NewToken, now = Date.now()): CreatedToken {
    const created = mintToken(input, now);
    this.records.set(created.record.id, created.record);
    this.persist();
    return created;
  }

  /** Stores a record minted elsewhere (`mintToken`), e.g. when moving tokens between stores. */
  put(record: TokenRecord): void {
    this.records.set(record.id, record);
    this.persist();
  }

  /** Marks a token revoked; returns false when there is no such token. Revoking twice keeps the first date. */
  revoke(id: string, now = Date.now()): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    if (record.revokedAt === undefined) {
      this.records.set(id, { ...record, revokedAt: new Date(now).toISOString() });
      this.persist();
    }
    return true;
  }

  protected persist(): void {}
}

interface TokenFile {
  version: 1;
  tokens: TokenRecord[];
}

/** How long a writer waits for the token store lock before giving up with an error naming the file. */
const LOCK_WAIT_MS = 10_000;
/** A lock not refreshed for this long belongs to a writer that died; it is taken over. */
const LOCK_STALE_MS = 10_000;

/**
 * The token store file. Reads lazily and re-reads when the file's size or mtime changes. Every change (create, put,
 * revoke) is a read-modify-write under an exclusive lock (`<file>.lock`, proper-lockfile), reading the file afresh
 * inside the lock and replacing it by rename: two writers, in one process or several, cannot undo each other.
 */
export class FileTokenStore extends MemoryTokenStore {
  private seen = '';

  constructor(readonly path: string) {
    super();
    this.refresh();
  }

  override find(id: string): TokenRecord | undefined {
    this.refresh();
    return super.find(id);
  }

  override list(): TokenRecord[] {
    this.refresh();
    return super.list();
  }

  override create(input: NewToken, now = Date.now()): CreatedToken {
    return this.locked(() => super.create(input, now));
  }

  override put(record: TokenRecord): void {
    this.locked(() => super.put(record));
  }

  override revoke(id: string, now = Date.now()): boolean {
    return this.locked(() => super.revoke(id, now));
  }

  private locked<T>(change: () => T): T {
    createMissingDirSync(dirname(this.path));
    const release = acquireLock(this.path);
    try {
      this.seen = '';
      this.refresh();
      return change();
    } finally {
      release();
    }
  }

  private refresh(): void {
    if (!existsSync(this.path)) {
      this.records = new Map();
      this.seen = '';
      return;
    }
    const stat = statSync(this.path);
    const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
    if (stamp === this.seen) return;
    this.records = new Map(readTokenFile(this.path).map((r) => [r.id, r]));
    this.seen = stamp;
  }

  protected override persist(): void {
    const body: TokenFile = { version: 1, tokens: [...this.records.values()] };
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    chmodSync(temp, PRIVATE_FILE_MODE);
    renameSync(temp, this.path);
    this.seen = '';
    this.refresh();
  }
}

function acquireLock(path: string): () => void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return lockfile.lockSync(path, { realpath: false, stale: LOCK_STALE_MS });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) {
        throw new Error(`${path}: cannot lock the token store (${(err as Error).message})`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
}

function readTokenFile(path: string): TokenRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not a token store (${(err as Error).message})`);
  }
  const file = parsed as Partial<TokenFile>;
  if (typeof parsed !== 'object' || parsed === null || file.version !== 1 || !Array.isArray(file.tokens)) {
    throw new Error(`${path}: not a token store (expected {"version": 1, "tokens": [...]})`);
  }
  file.tokens.forEach((t, i) => {
    const ok =
      typeof t?.id === 'string' && typeof t.hash === 'string' && typeof t.salt === 'string' && LAYERS.includes(t.layer) &&
      ROLES.includes(t.role) && Array.isArray(t.organizations) && t.organizations.every((o) => typeof o === 'string') &&
      typeof t.expiresAt === 'string';
    if (!ok) throw new Error(`${path}: tokens[${i}] is malformed (needs id, hash, salt, layer, role, organizations, expiresAt)`);
  });
  return file.tokens;
}

/** `30d`, `12h`, `90m` or an ISO date → ISO expiry. */
export function parseExpiry(text: string, now: number): string {
  const relative = /^(\d{1,5})([dhm])$/.exec(text.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now + Number(relative[1]) * unit).toISOString();
  }
  const absolute = Date.parse(text);
  if (!Number.isFinite(absolute)) throw new Error(`expires: '${text}' is neither a duration (30d, 12h, 90m) nor a date`);
  return new Date(absolute).toISOString();
}
