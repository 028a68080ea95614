import { createEngine, type Engine, type EngineOptions, type RuleLoadError, type StateCarryOver } from '@socle/core';
import { readRuleSet, type RuleSetSources } from './rule-set-sources.ts';

/** Where a reload puts the new rule set: one engine (embedded mode) or one per partition (distributed worker). */
export interface ReloadTarget {
  /** An engine built from the rule set running now: a new set is judged against its loaded and rejected rules. */
  readonly current: Engine;
  /**
   * Puts the validated set in place of the running one and carries the state of unchanged rules over. `next` is
   * built from the new set (forked for more engines of it, one per partition). Must be synchronous, so the swap
   * never lands inside a batch.
   */
  replace(next: Engine): StateCarryOver;
}

export interface ReloadRejection {
  file?: string;
  id?: string;
  title?: string;
  reason: string;
  /** False when the running set already rejected it the same way (it does not block the reload). */
  new: boolean;
}

export interface ReloadResult {
  /** `applied`: the new set runs; `refused`: the running set stays, see `reason` and `rejections`. */
  status: 'applied' | 'refused';
  /** What asked for the reload (`watch`, `admin`, `signal`, ...). */
  trigger: string;
  reason?: string;
  /** Rules of the set running after the reload. */
  loaded: number;
  /** Every rule the new set rejected (new ones block the reload). */
  rejections: ReloadRejection[];
  /** For an applied reload: which rules kept their state, were reset, added, removed (ids). */
  state?: StateCarryOver;
}

export interface RuleSetReloaderOptions {
  sources: RuleSetSources;
  target: ReloadTarget;
  /** Builds an engine from the texts; default `createEngine` (pass one to add timestampField, correlation, ...). */
  build?: (set: Pick<EngineOptions, 'rules' | 'pipelines' | 'placeholders'>) => Engine;
  /** One structured (JSON) line per reload, with its counts. */
  log?: (line: string) => void;
}

/**
 * Reloads a rule set: reads and compiles the new set first, refuses it (the running set stays) when nothing
 * loads or when it rejects a rule the running set did not reject (a broken file, a rule that stopped
 * compiling), and otherwise swaps it in, carrying the state of unchanged rules. Reloads run one at a time.
 */
export class RuleSetReloader {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly build: NonNullable<RuleSetReloaderOptions['build']>;

  constructor(private readonly options: RuleSetReloaderOptions) {
    this.build = options.build ?? ((set) => createEngine(set));
  }

  reload(trigger = 'admin'): Promise<ReloadResult> {
    const next = this.queue.then(() => this.reloadNow(trigger));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves once no reload is running. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async reloadNow(trigger: string): Promise<ReloadResult> {
    const running = this.options.target.current;
    const refuse = (reason: string, rejections: ReloadRejection[] = []): ReloadResult =>
      this.report({ status: 'refused', trigger, reason, loaded: running.loaded.length, rejections });

    let set: Awaited<ReturnType<typeof readRuleSet>>;
    let candidate: Engine;
    try {
      set = await readRuleSet(this.options.sources);
      candidate = this.build(set);
    } catch (err) {
      return refuse(`the new rule set could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    const known = new Set(running.rejected.map(rejectionKey));
    const rejections = candidate.rejected.map((r) => ({ ...describe(r), new: !known.has(rejectionKey(r)) }));
    const fresh = rejections.filter((r) => r.new);
    if (candidate.loaded.length === 0) return refuse('no rule of the new set loads', rejections);
    if (fresh.length > 0) {
      const what = fresh.map((r) => `${r.file ?? '?'}${r.id ? ` (${r.id})` : ''}: ${r.reason}`).join('; ');
      return refuse(`${fresh.length} rule(s) of the new set are rejected: ${what}`, rejections);
    }
    // The swap is synchronous from here on (the current engine may have moved on while the new set was read).
    let state: StateCarryOver;
    try {
      state = this.options.target.replace(candidate);
    } catch (err) {
      return refuse(`the new rule set could not take over the running state: ${err instanceof Error ? err.message : String(err)}`, rejections);
    }
    return this.report({ status: 'applied', trigger, loaded: candidate.loaded.length, rejections, state });
  }

  private report(result: ReloadResult): ReloadResult {
    const s = result.state;
    this.options.log?.(
      JSON.stringify({
        event: 'rules.reload',
        status: result.status,
        trigger: result.trigger,
        loaded: result.loaded,
        rejected: result.rejections.length,
        newlyRejected: result.rejections.filter((r) => r.new).length,
        ...(s ? { kept: s.kept.length, reset: s.reset.length, added: s.added.length, removed: s.removed.length } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
      }),
    );
    return result;
  }
}

function describe(r: RuleLoadError): Omit<ReloadRejection, 'new'> {
  return { file: r.file, id: r.id, title: r.title, reason: r.reason };
}

function rejectionKey(r: RuleLoadError): string {
  return JSON.stringify([r.file ?? null, r.id ?? null, r.title ?? null, r.reason]);
}
