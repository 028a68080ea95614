import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { LAYERS, ROLES, type Layer, type Role, FileTokenStore, parseExpiry, type TokenRecord } from '@socle/api';

interface CreateOptions {
  store: string;
  layer: string;
  org: string[];
  role: string;
  expires: string;
  createdBy?: string;
  description?: string;
  central: boolean;
  json: boolean;
}

interface ListOptions {
  store: string;
  json: boolean;
}

interface RevokeOptions {
  store: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API tokens for the alert API (layer, organisations, role, expiry)');
  tokens
    .command('create')
    .description('Create a token; the secret is printed once and only its hash is stored')
    .requiredOption('--store <file>', 'token store file (JSON, created with mode 0600)')
    .requiredOption('--layer <n>', 'four-layer model: 1 on-site, 2 SOC, 3 auditor, 4 national')
    .option('--org <id>', 'organisation the token covers (repeat for several)', collect, [])
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'analyst')
    .requiredOption('--expires <when>', 'duration (30d, 12h, 90m) or ISO date')
    .option('--created-by <name>', 'who created the token (default: the current user)')
    .option('--description <text>', 'what the token is for')
    .option('--central', 'a central admin (layer 2, role admin): rule set, reloads and the tokens of every organisation', false)
    .option('--json', 'print {token, record} as JSON', false)
    .action((opts: CreateOptions) => {
      process.exitCode = run('create', () => create(opts));
    });
  tokens
    .command('list')
    .description('List tokens (never their secrets)')
    .requiredOption('--store <file>', 'token store file')
    .option('--json', 'print JSON', false)
    .action((opts: ListOptions) => {
      process.exitCode = run('list', () => list(opts));
    });
  tokens
    .command('revoke <id>')
    .description('Revoke a token; a running API refuses it from its next request')
    .requiredOption('--store <file>', 'token store file')
    .action((id: string, opts: RevokeOptions) => {
      process.exitCode = run('revoke', () => revoke(id, opts));
    });
}

function run(command: string, action: () => void): number {
  try {
    action();
    return 0;
  } catch (err) {
    process.stderr.write(`socle tokens ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

function create(opts: CreateOptions): void {
  const layer = Number(opts.layer) as Layer;
  if (!LAYERS.includes(layer)) throw new Error(`--layer ${opts.layer}: use 1, 2, 3 or 4`);
  const now = Date.now();
  const store = new FileTokenStore(opts.store);
  const { token, record } = store.create(
    {
      layer,
      organizations: opts.org,
      role: opts.role as Role,
      expiresAt: parseExpiry(opts.expires, now),
      createdBy: opts.createdBy ?? safeUser(),
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.central ? { central: true } : {}),
    },
    now,
  );
  if (opts.json) {
    process.stdout.write(JSON.stringify({ token, record: publicView(record) }) + '\n');
    return;
  }
  process.stdout.write(`${token}\n`);
  process.stderr.write(`token ${record.id}: layer ${record.layer}, ${record.central ? 'central ' : ''}${record.role}, organisations ${record.organizations.join(', ') || '(all shared)'}, expires ${record.expiresAt}\n`);
  process.stderr.write('the secret above is shown only now; store it safely (send it as "Authorization: Bearer <token>")\n');
}

function list(opts: ListOptions): void {
  const records = new FileTokenStore(opts.store).list().map(publicView);
  if (opts.json) {
    process.stdout.write(JSON.stringify(records) + '\n');
    return;
  }
  const now = Date.now();
  for (const r of records) {
    const state = r.revokedAt ? `revoked ${r.revokedAt}` : Date.parse(r.expiresAt) <= now ? `expired ${r.expiresAt}` : `expires ${r.expiresAt}`;
    process.stdout.write(`${r.id}  layer ${r.layer}  ${r.role.padEnd(8)}  ${(r.organizations.join(',') || '-').padEnd(24)}  ${state}  by ${r.createdBy}\n`);
  }
  if (records.length === 0) process.stdout.write('no tokens\n');
}

function revoke(id: string, opts: RevokeOptions): void {
  const store = new FileTokenStore(opts.store);
  if (!store.revoke(id)) throw new Error(`${id}: no such token in ${opts.store}`);
  process.stdout.write(`token ${id} revoked\n`);
}

/** The record without its hash and salt. */
function publicView(r: TokenRecord): Omit<TokenRecord, 'hash' | 'salt'> {
  const { hash: _hash, salt: _salt, ...rest } = r;
  return rest;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
