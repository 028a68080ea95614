// Where the integration tests find Kafka and Elasticsearch: provided by global-stack.ts,
// or read from the environment when a test file runs in a worker that was started without it.
import { inject } from 'vitest';

export interface StackConnection {
  /** host:port list for kafkajs `brokers`. */
  kafkaBrokers: string[];
  /** Base URL for @elastic/elasticsearch `node`. */
  elasticsearchUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    socleStack: StackConnection;
    /** The run dir of the stack this test run started; absent with SOCLE_TEST_STACK=external. */
    socleStackRunDir?: string;
  }
}

export const DEFAULT_KAFKA_PORT = 19092;
export const DEFAULT_ES_PORT = 19200;

/** The connection the stack scripts use, given their environment overrides (SOCLE_KAFKA_PORT, SOCLE_ES_PORT). */
export function connectionFromEnvironment(env: Record<string, string | undefined>): StackConnection {
  const brokers = env.SOCLE_TEST_KAFKA_BROKERS ?? `127.0.0.1:${env.SOCLE_KAFKA_PORT ?? DEFAULT_KAFKA_PORT}`;
  return {
    kafkaBrokers: brokers.split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''),
    elasticsearchUrl: env.SOCLE_TEST_ES_URL ?? `http://127.0.0.1:${env.SOCLE_ES_PORT ?? DEFAULT_ES_PORT}`,
  };
}

export function stackConnection(): StackConnection {
  return inject('socleStack') ?? connectionFromEnvironment(process.env);
}
