import type { OutboundRecord } from '../delivery/outbound.ts';

/** Where batches of events and dead letters go. `send` resolves once the batch is durable downstream. */
export interface Output {
  readonly name: string;
  start(): Promise<void>;
  send(batch: OutboundRecord[]): Promise<void>;
  close(): Promise<void>;
}
