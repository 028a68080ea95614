import { readFile } from 'node:fs/promises';
import { ConfigFileError, errorMessage, parseValidatedYaml, unpositionedDocument, validationDiagnostics } from '@socle/core';
import { configSchema, type CollectorConfig } from './schema.ts';

/** Validates a parsed value; `source` names it in errors (`command line` for the quick form). */
export function validateConfig(value: unknown, source: string): CollectorConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) throw new ConfigFileError(source, validationDiagnostics(result.error.issues, unpositionedDocument(source, value)));
  return result.data;
}

/** Parses and validates YAML (or JSON) text; every problem is `file:line:col: path: message`. */
export function parseConfigText(text: string, source: string): CollectorConfig {
  return parseValidatedYaml(text, source, configSchema);
}

export async function loadConfigFile(path: string): Promise<CollectorConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(path, [{ file: path, message: `cannot read the file: ${errorMessage(error)}` }]);
  }
  return parseConfigText(text, path);
}
