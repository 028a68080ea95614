/**
 * `socle share preview` prints what a sharing policy would send upward (after redaction);
 * `socle share push` puts the shared bundles in the outbox, signed, and runs the forwarder once.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { AlertJournal, JournalAlertStore } from '@socle/api';
import { Forwarder, Outbox, Pseudonymizer, shareAlerts, type SharingRun, AlertSharing, loadPseudonymKey, loadSharingPolicy, signingKeyFromPem, type UpstreamEndpoint } from '@socle/sharing';

interface CommonOptions {
  policy: string;
  journal: string;
  from?: string;
  to?: string;
}

interface PreviewOptions extends CommonOptions {
  json: boolean;
}

interface PushOptions extends CommonOptions {
  outbox: string;
  taxii?: string;
  collection?: string;
  socle?: string;
  signingKey: string;
  keyId: string;
}

export function registerShare(program: Command): void {
  const share = program.command('share').description('Share alerts upward under a sharing policy (STIX 2.1 over TAXII 2.1)');
  const common = (c: Command) =>
    c
      .requiredOption('--policy <file>', 'sharing policy (YAML)')
      .requiredOption('--journal <dir>', 'alert journal folder')
      .option('--from <time>', 'alerts at or after this time (ISO 8601 or epoch ms)')
      .option('--to <time>', 'alerts before this time');
  common(share.command('preview').description('Print what would be shared, redacted as the policy says'))
    .option('--json', 'print the STIX bundles', false)
    .action(async (opts: PreviewOptions) => {
      process.exitCode = await preview(opts);
    });
  common(share.command('push').description('Queue the shared bundles in the outbox and deliver what is due, once'))
    .requiredOption('--outbox <dir>', 'outbox folder (kept between runs)')
    .option('--taxii <api-root>', 'TAXII 2.1 API root URL of the upper endpoint')
    .option('--collection <id>', 'TAXII collection id (default: the policy\'s collection, else its organisation id)')
    .option('--socle <url>', 'or: the ingest URL of an upper-layer Socle')
    .requiredOption('--signing-key <pem>', 'Ed25519 private key (PEM file)')
    .requiredOption('--key-id <id>', 'the key id the receiver knows the public key by')
    .addHelpText('after', '\nThe bearer token for the upper endpoint is read from SOCLE_UPSTREAM_TOKEN; the pseudonym key from where the policy says.')
    .action(async (opts: PushOptions) => {
      process.exitCode = await push(opts);
    });
}

async function run(opts: CommonOptions): Promise<SharingRun> {
  const policy = await loadSharingPolicy(opts.policy);
  const key = await loadPseudonymKey(policy, process.env);
  const sharing = new AlertSharing(policy, key ? new Pseudonymizer(key) : undefined);
  const info = await stat(opts.journal).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--journal ${opts.journal}: no such folder`);
  const journal = await AlertJournal.open(opts.journal);
  try {
    for (const w of journal.warnings) process.stderr.write(`socle share: ${w}\n`);
    return await shareAlerts(new JournalAlertStore(journal), sharing, { from: opts.from, to: opts.to });
  } finally {
    await journal.close();
  }
}

async function preview(opts: PreviewOptions): Promise<number> {
  try {
    const result = await run(opts);
    if (opts.json) {
      for (const { bundle } of result.shared) process.stdout.write(JSON.stringify(bundle) + '\n');
      return 0;
    }
    for (const { alert } of result.shared) {
      process.stdout.write(`${alert.lastSeen}  ${alert.level.padEnd(8)} TLP:${alert.tlp}  ${alert.rule.name}\n`);
      const iocs = alert.indicators.map((i) => (i.kind === 'file' ? Object.values(i.hashes)[0] : i.value));
      if (iocs.length) process.stdout.write(`    indicators: ${iocs.join(', ')}\n`);
      const a = alert.affected;
      const affected = [...a.hosts, ...a.users, ...a.emails, ...a.addresses];
      if (affected.length) process.stdout.write(`    affected:   ${affected.join(', ')}\n`);
    }
    process.stdout.write(`${result.shared.length} alert(s) would be shared, ${result.kept.length} kept\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`socle share preview: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

function endpointOf(opts: PushOptions): UpstreamEndpoint {
  const token = process.env.SOCLE_UPSTREAM_TOKEN || undefined;
  if (opts.taxii && opts.socle) throw new Error('give --taxii or --socle, not both');
  if (opts.taxii) {
    return { kind: 'taxii', apiRoot: opts.taxii, token };
  }
  if (opts.socle) return { kind: 'socle', url: opts.socle, token };
  throw new Error('give the upper endpoint: --taxii <api-root> [--collection <id>], or --socle <url>');
}

async function push(opts: PushOptions): Promise<number> {
  try {
    const endpoint = endpointOf(opts);
    const pem = await readFile(opts.signingKey, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`--signing-key ${opts.signingKey}: cannot read (${err.code ?? err.message})`);
    });
    const signingKey = signingKeyFromPem(opts.keyId, pem);
    const result = await run(opts);
    const outbox = await Outbox.open(opts.outbox);
    try {
      const forwarder = new Forwarder({ endpoint, signingKey, outbox });
      let queued = 0;
      const destination = { ...result.destination, ...(opts.collection ? { collection: opts.collection } : {}) };
      for (const { bundle } of result.shared) if (await forwarder.accept(bundle, destination)) queued++;
      const report = await forwarder.deliverDue();
      for (const f of report.failed) process.stderr.write(`socle share push: ${f.id}: ${f.error}${f.permanent ? ' (refused: check the key and the token)' : ''}\n`);
      process.stdout.write(`${queued} bundle(s) queued, ${report.delivered.length} delivered, ${report.pending} pending in ${opts.outbox}\n`);
      return report.pending === 0 ? 0 : 1;
    } finally {
      await outbox.close();
    }
  } catch (err) {
    process.stderr.write(`socle share push: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
