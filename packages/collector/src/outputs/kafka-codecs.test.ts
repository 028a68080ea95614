import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load-config.ts';
import { compressionType, registerKafkaCodecs } from './kafka-codecs.ts';

const { CompressionCodecs, CompressionTypes } = kafkajs;

describe('Kafka compression codecs', () => {
  it('registers an LZ4 codec that kafkajs can round-trip a record batch through', async () => {
    registerKafkaCodecs();
    const codec = CompressionCodecs[CompressionTypes.LZ4]();
    const records = Buffer.from('{"message":"Failed password for root"}\n'.repeat(200));
    const packed: Buffer = await codec.compress({ buffer: records });
    expect(packed.length).toBeLessThan(records.length / 5);
    expect(Buffer.compare(await codec.decompress(packed), records)).toBe(0);
  });

  it('maps each configurable compression to its Kafka attribute', () => {
    expect([compressionType('none'), compressionType('gzip'), compressionType('lz4')]).toEqual([0, 1, 3]);
  });

  it('accepts lz4 in the output configuration and names the choices for anything else', () => {
    const base = { inputs: [{ type: 'stdin', organization: 'acme', format: 'json' }] };
    expect(validateConfig({ ...base, output: { type: 'kafka', brokers: ['k:9092'], compression: 'lz4' } }, 'test').output).toMatchObject({ compression: 'lz4' });
    expect(() => validateConfig({ ...base, output: { type: 'kafka', brokers: ['k:9092'], compression: 'brotli' } }, 'test')).toThrow(/gzip.*lz4.*none|compression/);
  });
});
