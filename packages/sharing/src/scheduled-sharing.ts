/**
 * Sharing upward in a long-running service (`socle run`, `socle serve`): every `intervalMs`, the recent alerts of the
 * store are decided by the organisations' policies; each shared alert's signed bundle goes to the outbox (durable),
 * and the alert is written again through the AlertSink marked `socle.sharing: {shared: true, tlp, sharedAt, view}` (an
 * upsert by id); the view is what layer-4 principals are allowed to see. The ForwardingLoop delivers the outbox; the
 * scheduled reports run beside it.
 */
import { errorMessage, type Logger } from '@socle/core';
import { readFile } from 'node:fs/promises';
import type { Alert } from '@socle/core';
import { alertFields, alertPages, type AlertSink, type AlertStore } from '@socle/api';
import { loadIncidentRegister } from './reports/incident-register.ts';
import { scheduleReportJobs } from './reports/report-jobs.ts';
import { Forwarder, type DeliveryReport } from './forwarder.ts';
import { ForwardingLoop } from './forwarding-loop.ts';
import { Outbox } from './outbox.ts';
import { Pseudonymizer } from './pseudonymizer.ts';
import { AlertSharing, type SharedAlert } from './sharing-decision.ts';
import type { SharingConfig } from './sharing-config.ts';
import { destinationOf, loadPseudonymKey, loadSharingPolicy, type SharingPolicy } from './sharing-policy.ts';
import { makeBundle, signingKeyFromPem, type Destination, type StixBundle } from './signed-bundle.ts';
import { alertToStix } from './stix-objects.ts';
import type { UpstreamEndpoint } from './upstream-endpoint.ts';

export interface UpwardSharingOptions {
  config: SharingConfig;
  store: AlertStore;
  /** Where marked alerts are written back (the sink behind `store`). */
  sink: AlertSink;
  logger: Logger;
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Also told each shared bundle and its destination (the product's own TAXII server publishes them). */
  publish?: (bundle: StixBundle, destination: Destination) => void;
}

export interface SharingPass {
  /** Alerts newly marked shared (their bundles are in the outbox). */
  shared: string[];
  /** Bundles new to the outbox (an alert marked again after an update re-uses its pending or acknowledged bundle). */
  queued: number;
}

const DAY_MS = 86_400_000;

export class UpwardSharing {
  private timer: ReturnType<typeof setInterval> | undefined;
  private passing: Promise<SharingPass> | undefined;
  private reports: { stop: () => Promise<void> } | undefined;
  private republished = false;
  readonly loop: ForwardingLoop;

  private constructor(
    private readonly options: UpwardSharingOptions,
    private sharings: AlertSharing[],
    private readonly outbox: Outbox,
    readonly forwarder: Forwarder,
    onDelivery: (report: DeliveryReport) => void,
  ) {
    this.loop = new ForwardingLoop(forwarder, {
      onReport: (report) => {
        for (const f of report.failed) options.logger.warn('sharing: bundle not delivered', { bundle: f.id, error: f.error, retryAt: f.retryAt, permanent: f.permanent });
        if (report.delivered.length) options.logger.info('sharing: bundles delivered', { delivered: report.delivered.length, pending: report.pending });
        onDelivery(report);
      },
      onError: (err) => options.logger.warn('sharing: delivery pass failed', { error: errorMessage(err) }),
    });
  }

  /** Reads the policies, their pseudonym keys and the signing key, and opens the outbox. Errors name the file at fault. */
  static async open(options: UpwardSharingOptions, onDelivery: (report: DeliveryReport) => void = () => {}): Promise<UpwardSharing> {
    const { config } = options;
    const env = options.env ?? process.env;
    const sharings = await loadSharings(config.policies, env);
    const pem = await readFile(config.signingKey.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`sharing.signingKey.file ${config.signingKey.file}: cannot read (${err.code ?? err.message})`);
    });
    const signingKey = signingKeyFromPem(config.signingKey.keyId, pem);
    const token = env[config.endpoint.tokenEnv] || undefined;
    const endpoint: UpstreamEndpoint = config.endpoint.taxii
      ? { kind: 'taxii', apiRoot: config.endpoint.taxii, token }
      : { kind: 'socle', url: config.endpoint.socle ?? '', token };
    const outbox = await Outbox.open(config.outbox, options.now ? { now: options.now } : {});
    const forwarder = new Forwarder({ endpoint, signingKey, outbox, ...(options.now ? { now: options.now } : {}) });
    return new UpwardSharing(options, sharings, outbox, forwarder, onDelivery);
  }

  /** Starts the sharing passes, the forwarding loop and the report jobs. */
  start(): void {
    const { config, logger, store } = this.options;
    this.loop.start();
    const tick = () => void this.shareDue().catch((err: unknown) => logger.warn('sharing: pass failed', { error: errorMessage(err) }));
    this.timer = setInterval(tick, config.intervalMs);
    this.timer.unref();
    tick();
    if (config.reports) {
      const reports = config.reports;
      this.reports = scheduleReportJobs({
        store,
        outDir: reports.outDir,
        loadIncidents: async () => (reports.incidents ? loadIncidentRegister(reports.incidents) : []),
        statisticsCron: reports.statisticsCron,
        incidentsCron: reports.incidentsCron,
        onError: (job, err) => logger.warn(`reports: ${job} failed`, { error: errorMessage(err) }),
        onOverdue: (overdue) => logger.warn('reports: incidents overdue', { incidents: overdue.map((d) => d.incident.id) }),
      });
    }
  }

  /** One pass over the recent alerts (passes never overlap); wakes the forwarding loop when bundles were queued. */
  shareDue(): Promise<SharingPass> {
    this.passing ??= this.pass().finally(() => (this.passing = undefined));
    return this.passing;
  }

  private async pass(): Promise<SharingPass> {
    await this.reloadPolicies();
    const now = (this.options.now ?? Date.now)();
    const from = String(now - this.options.config.lookbackDays * DAY_MS);
    const result: SharingPass = { shared: [], queued: 0 };
    const toMark: { id: string; view: SharedAlert }[] = [];
    // The TAXII server keeps objects in memory: the first pass after a start publishes the alerts shared before it
    // again (their bundles are already in the outbox or acknowledged, so nothing is sent twice).
    const republish = this.options.publish !== undefined && !this.republished;
    for await (const page of alertPages(this.options.store, { from, size: 500 })) {
      for (const alert of page.alerts) {
        const alreadyShared = alertFields(alert).shared;
        if (alreadyShared && !republish) continue;
        for (const sharing of this.sharings) {
          const decision = sharing.decide(alert);
          if (!decision.shared) continue;
          const bundle = makeBundle(alertToStix(decision.alert));
          const destination = destinationOf(sharing.policy);
          if (await this.forwarder.accept(bundle, destination)) result.queued++;
          this.publish(bundle, destination);
          if (!alreadyShared) toMark.push({ id: alert.event.id, view: decision.alert });
          break;
        }
      }
    }
    this.republished = true;
    // Marked only once the bundles are durable in the outbox: a crash in between re-decides the alert, and the
    // outbox ignores a bundle it already holds. The latest stored version is marked, so an update the detection
    // loop wrote during the pass is kept (one written between this read and the write would drop the mark, which
    // the next pass puts back).
    const marked: Alert[] = [];
    const sharedAt = new Date(now).toISOString();
    for (const { id, view } of toMark) {
      const latest = await this.options.store.get(id);
      if (!latest || alertFields(latest).shared) continue;
      marked.push(markShared(latest, view, sharedAt));
      result.shared.push(id);
    }
    if (marked.length) await this.options.sink.write(marked);
    if (result.queued) this.loop.wake();
    if (result.shared.length) this.options.logger.info('sharing: alerts shared upward', { alerts: result.shared.length, queued: result.queued });
    return result;
  }

  /**
   * Reads the policy files again (an admin may have changed one with `PUT /admin/sharing-policies/<org>`, possibly on
   * another instance sharing the files). A file that no longer reads keeps the policies in force, with a log line.
   */
  async reloadPolicies(): Promise<void> {
    try {
      this.sharings = await loadSharings(this.options.config.policies, this.options.env ?? process.env);
    } catch (err) {
      this.options.logger.warn('sharing: policies not reloaded, the previous ones stay', { error: errorMessage(err) });
    }
  }

  /** The policies in force, one per organisation. */
  get policies(): SharingPolicy[] {
    return this.sharings.map((s) => s.policy);
  }

  private publish(bundle: StixBundle, destination: Destination): void {
    try {
      this.options.publish?.(bundle, destination);
    } catch (err) {
      this.options.logger.warn('sharing: bundle not published on the TAXII server', { bundle: bundle.id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.passing?.catch(() => undefined);
    await this.reports?.stop();
    await this.loop.stop();
    await this.outbox.close();
  }
}

async function loadSharings(files: readonly string[], env: Record<string, string | undefined>): Promise<AlertSharing[]> {
  const sharings: AlertSharing[] = [];
  for (const file of files) {
    const policy = await loadSharingPolicy(file);
    const key = await loadPseudonymKey(policy, env);
    sharings.push(new AlertSharing(policy, key ? new Pseudonymizer(key) : undefined));
  }
  return sharings;
}

/**
 * The alert as stored once shared upward. `view` is the policy-redacted view the STIX bundle was built from: it is
 * all that layer-4 principals read (`socle.sharing.view`, see @socle/api `layer4View`), never the stored alert.
 */
export function markShared(alert: Alert, view: SharedAlert, sharedAt: string): Alert {
  return { ...alert, socle: { ...alert.socle, sharing: { shared: true, tlp: view.tlp, sharedAt, view } } };
}
