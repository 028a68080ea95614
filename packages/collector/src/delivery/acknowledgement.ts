/**
 * Counts the records of one input batch (a file read, an HTTP body) still on their way to the output.
 * `settled` resolves once every record added before `seal()` has been delivered (or spooled to disk).
 */
export class Acknowledgement {
  private pending = 0;
  private sealed = false;
  private resolveSettled!: () => void;
  readonly settled: Promise<void>;

  constructor() {
    this.settled = new Promise((resolve) => {
      this.resolveSettled = resolve;
    });
  }

  add(count = 1): void {
    if (this.sealed) throw new Error('Acknowledgement: cannot add records after seal()');
    this.pending += count;
  }

  /** Called by the delivery loop once a record reached the output. */
  deliver(count = 1): void {
    this.pending -= count;
    if (this.sealed && this.pending <= 0) this.resolveSettled();
  }

  /** No more records will be added; returns the promise that resolves when all are delivered. */
  seal(): Promise<void> {
    this.sealed = true;
    if (this.pending <= 0) this.resolveSettled();
    return this.settled;
  }
}
