/** Validates STIX objects against the OASIS STIX 2.1 JSON schemas vendored under test-data/stix/schemas. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SCHEMA_DIR = fileURLToPath(new URL('../test-data/stix/schemas/', import.meta.url));
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

function createValidator() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const f of readdirSync(join(SCHEMA_DIR, dir))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, dir, f), 'utf8')));
  }
  return ajv;
}

let ajv: ReturnType<typeof createValidator> | undefined;

const SCHEMA_OF: Record<string, string> = {
  identity: 'sdos/identity.json',
  indicator: 'sdos/indicator.json',
  incident: 'sdos/incident.json',
  'observed-data': 'sdos/observed-data.json',
  report: 'sdos/report.json',
  sighting: 'sros/sighting.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
  bundle: 'common/bundle.json',
  'ipv4-addr': 'observables/ipv4-addr.json',
  'ipv6-addr': 'observables/ipv6-addr.json',
  'domain-name': 'observables/domain-name.json',
  file: 'observables/file.json',
  'user-account': 'observables/user-account.json',
};

/** The schema errors of one object (empty when valid). */
export function stixSchemaErrors(object: { type: string }): string[] {
  ajv ??= createValidator();
  const schema = SCHEMA_OF[object.type];
  if (!schema) return [`no vendored schema for type ${object.type}`];
  const validate = ajv.getSchema(BASE + schema)!;
  return validate(object) ? [] : (validate.errors ?? []).map((e) => `${object.type} ${e.instancePath} ${e.message}`);
}
