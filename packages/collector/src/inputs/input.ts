/** A source of raw records bound to an organisation and a format. */
export interface Input {
  readonly name: string;
  start(): Promise<void>;
  /** Stops accepting new data (closes listeners, stops reading). Records already buffered stay buffered. */
  stop(): Promise<void>;
  /** After the buffer was flushed: commit what must be committed (file checkpoints). */
  finish?(): Promise<void>;
  /** Resolves when the input has no more data of its own accord (stdin at EOF); network inputs never end. */
  readonly ended?: Promise<void>;
}

export interface InputBinding {
  name: string;
  organization: string;
  format: string;
  /** Levels of objects and arrays a record's event may nest (default `DEFAULT_MAX_NESTING_DEPTH`). */
  maxNestingDepth?: number;
}
