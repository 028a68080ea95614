import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';

const { CompressionCodecs, CompressionTypes } = kafkajs;

/** The compressions a Kafka output may use; all but `gzip` and `none` need a codec registered with kafkajs. */
export const kafkaCompressions = ['gzip', 'lz4', 'none'] as const;
export type KafkaCompression = (typeof kafkaCompressions)[number];

export function compressionType(compression: KafkaCompression): number {
  if (compression === 'gzip') return CompressionTypes.GZIP;
  if (compression === 'lz4') return CompressionTypes.LZ4;
  return CompressionTypes.None;
}

/**
 * Registers the LZ4 codec with kafkajs (process-wide, idempotent). Kafka's LZ4 is the LZ4 frame format, which
 * lz4-napi writes and reads off the event loop's thread. Producers and consumers of the same topics both need it.
 */
export function registerKafkaCodecs(): void {
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => decompressFrame(buffer),
  });
}
