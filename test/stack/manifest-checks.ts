// Structural checks of the deploy/ manifests (docker compose and Kubernetes). Each check returns
// problems as "file: path: what is wrong" so a broken manifest says where to look.
import { parseAllDocuments } from 'yaml';

type Doc = Record<string, any>;

export interface ParsedYaml {
  docs: Doc[];
  problems: string[];
}

/** Parses every document of a YAML file; syntax errors name the file and line. */
export function parseYamlFile(text: string, file: string): ParsedYaml {
  const problems: string[] = [];
  const docs: Doc[] = [];
  for (const document of parseAllDocuments(text, { prettyErrors: true })) {
    for (const error of document.errors) {
      const line = error.linePos?.[0].line;
      problems.push(`${file}${line ? `:${line}` : ''}: ${error.message.split('\n')[0]}`);
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) docs.push(value as Doc);
  }
  return { docs, problems };
}

const isMap = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A docker compose file: services with an image, known dependencies, declared named volumes. */
export function checkCompose(doc: Doc, file: string): string[] {
  const problems: string[] = [];
  const services = doc.services;
  if (!isMap(services) || Object.keys(services).length === 0) return [`${file}: services: expected a map of services`];
  const declaredVolumes = new Set(Object.keys(isMap(doc.volumes) ? doc.volumes : {}));
  for (const [name, service] of Object.entries(services)) {
    const at = `${file}: services.${name}`;
    if (!isMap(service)) {
      problems.push(`${at}: expected a map`);
      continue;
    }
    if (typeof service.image !== 'string' && service.build === undefined) problems.push(`${at}: needs an image or a build`);
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) {
      if (!(dependency in services)) problems.push(`${at}.depends_on: unknown service "${dependency}"`);
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume?.source;
      const isNamed = typeof source === 'string' && !source.startsWith('.') && !source.startsWith('/');
      if (isNamed && !declaredVolumes.has(source)) problems.push(`${at}.volumes: named volume "${source}" is not declared under volumes`);
    }
  }
  return problems;
}

/** Bind-mount sources (relative paths) of a compose file, to check that they exist. */
export function composeBindSources(doc: Doc): string[] {
  const sources: string[] = [];
  for (const service of Object.values(isMap(doc.services) ? doc.services : {})) {
    for (const volume of (service as Doc).volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume?.source;
      if (typeof source === 'string' && source.startsWith('.')) sources.push(source);
    }
  }
  return sources;
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function labelsMatch(selector: Doc | undefined, labels: Doc | undefined): boolean {
  if (!isMap(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/**
 * Kubernetes documents, checked together (a Service must select a workload, a volume must name a
 * ConfigMap that exists): apiVersion/kind/metadata.name everywhere, selectors that match, containers
 * with an image and a memory limit.
 */
export function checkKubernetes(docs: { doc: Doc; file: string }[]): string[] {
  const problems: string[] = [];
  const configMaps = new Map<string, Doc>();
  const services = new Set<string>();
  const workloadLabels: Doc[] = [];

  for (const { doc, file } of docs) {
    const name = doc.metadata?.name;
    const at = `${file}: ${doc.kind ?? '(no kind)'}/${name ?? '(no name)'}`;
    if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '') problems.push(`${at}: apiVersion is missing`);
    if (typeof doc.kind !== 'string' || doc.kind === '') problems.push(`${at}: kind is missing`);
    if (typeof name !== 'string' || name === '') problems.push(`${at}: metadata.name is missing`);
    if (doc.kind !== 'Namespace' && typeof doc.metadata?.namespace !== 'string') problems.push(`${at}: metadata.namespace is missing`);
    if (doc.kind === 'ConfigMap') configMaps.set(name, doc);
    if (doc.kind === 'Service') services.add(name);
    if (workloadKinds.has(doc.kind)) workloadLabels.push(doc.spec?.template?.metadata?.labels ?? {});
  }

  for (const { doc, file } of docs) {
    const at = `${file}: ${doc.kind}/${doc.metadata?.name}`;
    if (doc.kind === 'Service' && !workloadLabels.some((labels) => labelsMatch(doc.spec?.selector, labels))) {
      problems.push(`${at}: spec.selector matches no Deployment or StatefulSet pod labels`);
    }
    if (!workloadKinds.has(doc.kind)) continue;
    const template = doc.spec?.template;
    if (!labelsMatch(doc.spec?.selector?.matchLabels, template?.metadata?.labels)) {
      problems.push(`${at}: spec.selector.matchLabels does not match spec.template.metadata.labels`);
    }
    if (doc.kind === 'StatefulSet' && !services.has(doc.spec?.serviceName)) {
      problems.push(`${at}: spec.serviceName "${doc.spec?.serviceName}" is not a Service in deploy/kubernetes`);
    }
    const containers: Doc[] = [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])];
    if ((template?.spec?.containers ?? []).length === 0) problems.push(`${at}: spec.template.spec.containers is empty`);
    for (const container of containers) {
      if (typeof container.image !== 'string') problems.push(`${at}: container ${container.name}: image is missing`);
      if (container.resources?.limits?.memory === undefined) problems.push(`${at}: container ${container.name}: resources.limits.memory is missing`);
    }
    for (const volume of template?.spec?.volumes ?? []) {
      if (!volume.configMap) continue;
      const configMap = configMaps.get(volume.configMap.name);
      if (!configMap) {
        problems.push(`${at}: volume ${volume.name}: ConfigMap "${volume.configMap.name}" is not defined in deploy/kubernetes`);
        continue;
      }
      for (const item of volume.configMap.items ?? []) {
        if (!(item.key in (configMap.data ?? {}))) problems.push(`${at}: volume ${volume.name}: ConfigMap "${volume.configMap.name}" has no key "${item.key}"`);
      }
    }
  }
  return problems;
}
