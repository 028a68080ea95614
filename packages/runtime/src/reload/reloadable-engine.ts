import type { Alert, Engine, SocleEvent, StateCarryOver } from '@socle/core';
import type { DetectionEngine } from '../detection-loop.ts';
import type { ReloadTarget } from './rule-set-reloader.ts';

/**
 * The detection loop's engine, replaceable by a hot reload. The loop processes a batch with synchronous
 * `process` calls and `replace` is synchronous too, so a swap always lands between two batches (or between a
 * batch's processing and the write of its alerts), never inside one.
 */
export class ReloadableEngine implements DetectionEngine, ReloadTarget {
  constructor(private engine: Engine) {}

  get current(): Engine {
    return this.engine;
  }

  replace(next: Engine): StateCarryOver {
    const carried = next.carryStateFrom(this.engine);
    this.engine = next;
    return carried;
  }

  process(event: SocleEvent, ref?: { id?: string }): Alert[] {
    return this.engine.process(event, ref);
  }

  advanceWatermark(timeMs: number): Alert[] {
    return this.engine.advanceWatermark(timeMs);
  }

  flush(): Alert[] {
    return this.engine.flush();
  }
}
