import { parse } from 'yaml';
import type { TextSource } from './sources.ts';

/** What a set of pipelines tells about field names, for lint's unknown-field check. */
export interface FieldKnowledge {
  knows(field: string): boolean;
}

/**
 * Fields the pipelines know: mapping keys (Sigma names) and targets (event names), fields their log-source
 * conditions test, and fields under a `field_name_prefix`. A dotted (ECS-style) field also counts as known
 * when the pipelines use its top-level namespace (`process.` for `process.command_line`): rules may be written
 * on event fields directly. Returns undefined when no pipeline declares a mapping (nothing to compare with).
 */
export function pipelineKnownFields(pipelines: TextSource[]): FieldKnowledge | undefined {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let sawMapping = false;
  for (const p of pipelines) {
    let doc: Record<string, unknown> | undefined;
    try {
      doc = parse(p.text) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    for (const entry of asList(doc.logsources)) {
      for (const cond of asList((entry as { conditions?: unknown })?.conditions)) {
        if (cond && typeof cond === 'object') for (const k of Object.keys(cond)) exact.add(k.split('|')[0]);
      }
    }
    for (const t of asList(doc.transformations)) {
      const tr = (t ?? {}) as Record<string, unknown>;
      if (tr.mapping && typeof tr.mapping === 'object') {
        sawMapping = true;
        for (const [k, v] of Object.entries(tr.mapping)) {
          if (tr.type === 'field_name_prefix_mapping') {
            prefixes.push(k);
            if (typeof v === 'string') prefixes.push(v);
            continue;
          }
          exact.add(k);
          for (const target of asList(v)) if (typeof target === 'string') exact.add(target);
        }
      }
      for (const prefix of asList(tr.prefix)) if (typeof prefix === 'string') prefixes.push(prefix);
    }
  }
  if (!sawMapping) return undefined;
  for (const base of ECS_BASE_FIELDS) exact.add(base);
  const namespaces = new Set([...exact].filter((f) => f.includes('.')).map((f) => f.split('.')[0]));
  return {
    knows: (field) =>
      exact.has(field) ||
      prefixes.some((p) => field.startsWith(p)) ||
      (field.includes('.') && namespaces.has(field.split('.')[0])),
  };
}

/** ECS base fields every event may carry, whatever the pipeline. */
const ECS_BASE_FIELDS = ['@timestamp', 'message', 'tags', 'labels'];

function asList(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** The field name of a detection key `field|mod1|mod2`. */
export function fieldOfDetectionKey(key: string): string {
  return key.split('|')[0];
}
