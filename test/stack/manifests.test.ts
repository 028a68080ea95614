// Unit-speed checks (no servers) that every YAML file under deploy/ parses and that the compose and
// Kubernetes manifests hang together. Runs in the vitest project `manifests`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkCompose, checkKubernetes, composeBindSources, parseYamlFile } from './manifest-checks.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const deployDir = join(repoRoot, 'deploy');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // .cache holds downloaded distributions (their own YAML), not our manifests.
    if (entry.isDirectory()) return entry.name === '.cache' || entry.name === 'node_modules' ? [] : yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const load = (path: string) => parseYamlFile(readFileSync(path, 'utf8'), relative(repoRoot, path));

describe('deploy/ manifests', () => {
  const files = yamlFilesUnder(deployDir);

  it('finds the compose file, the Kubernetes manifests and the sample configs', () => {
    const names = files.map((file) => relative(deployDir, file));
    expect(names).toContain('compose/docker-compose.yml');
    expect(names).toEqual(expect.arrayContaining(['kubernetes/kafka.yaml', 'kubernetes/elasticsearch.yaml', 'config/collector.yaml']));
  });

  it('parses every YAML file under deploy/ without errors', () => {
    const problems = files.flatMap((file) => load(file).problems);
    expect(problems).toEqual([]);
  });

  it('has a compose file whose services have images, known dependencies and existing bind mounts', () => {
    const file = join(deployDir, 'compose/docker-compose.yml');
    const [doc] = load(file).docs;
    expect(Object.keys(doc.services)).toEqual(expect.arrayContaining(['kafka', 'elasticsearch', 'socle', 'collector']));
    expect(checkCompose(doc, relative(repoRoot, file))).toEqual([]);
    const missing = composeBindSources(doc).filter((source) => !existsSync(resolve(dirname(file), source)));
    expect(missing).toEqual([]);
  });

  it('has Kubernetes manifests with apiVersion, kind, metadata.name and selectors that match', () => {
    const kubernetesFiles = files.filter((file) => file.startsWith(join(deployDir, 'kubernetes')));
    const docs = kubernetesFiles.flatMap((file) => load(file).docs.map((doc) => ({ doc, file: relative(repoRoot, file) })));
    expect(new Set(docs.map(({ doc }) => doc.kind))).toEqual(
      new Set(['Namespace', 'Service', 'StatefulSet', 'Deployment', 'ConfigMap']),
    );
    expect(checkKubernetes(docs)).toEqual([]);
  });

  it('ships the same collector configuration in deploy/config and the Kubernetes ConfigMap', () => {
    const sample = parse(readFileSync(join(deployDir, 'config/collector.yaml'), 'utf8'));
    const configMap = load(join(deployDir, 'kubernetes/socle-config.yaml')).docs[0];
    expect(parse(configMap.data['collector.yaml'])).toEqual(sample);
  });
});

describe('manifest checks', () => {
  it('report a YAML syntax error with the file and line', () => {
    const { problems } = parseYamlFile('services:\n  kafka: {image: x\n', 'deploy/compose/bad.yml');
    expect(problems[0]).toMatch(/^deploy\/compose\/bad\.yml:\d+: /);
  });

  it('report a compose service without image and a dependency on an unknown service', () => {
    const doc = { services: { worker: { depends_on: ['kafak'] } } };
    expect(checkCompose(doc, 'compose.yml')).toEqual([
      'compose.yml: services.worker: needs an image or a build',
      'compose.yml: services.worker.depends_on: unknown service "kafak"',
    ]);
    expect(checkCompose({}, 'compose.yml')).toEqual(['compose.yml: services: expected a map of services']);
  });

  it('report Kubernetes documents without a name, a Service selecting nothing and a missing ConfigMap', () => {
    const docs = [
      { file: 'a.yaml', doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'socle' } } },
      {
        file: 'b.yaml',
        doc: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'socle' }, spec: { selector: { app: 'ap' } } },
      },
      {
        file: 'c.yaml',
        doc: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'socle' },
          spec: {
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: {
                containers: [{ name: 'api', image: 'socle:latest', resources: { limits: { memory: '1Gi' } } }],
                volumes: [{ name: 'config', configMap: { name: 'socle-config' } }],
              },
            },
          },
        },
      },
    ];
    expect(checkKubernetes(docs)).toEqual([
      'a.yaml: ConfigMap/(no name): metadata.name is missing',
      'b.yaml: Service/api: spec.selector matches no Deployment or StatefulSet pod labels',
      'c.yaml: Deployment/api: volume config: ConfigMap "socle-config" is not defined in deploy/kubernetes',
    ]);
  });
});
