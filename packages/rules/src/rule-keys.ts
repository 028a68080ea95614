/** Top-level keys the Sigma specification defines, per rule kind, plus Socle's `socle:` extension. */
const COMMON = [
  'title', 'id', 'name', 'status', 'description', 'license', 'author', 'references', 'date', 'modified', 'tags',
  'level', 'falsepositives', 'related', 'taxonomy', 'socle',
];
export const KNOWN_KEYS = {
  detection: new Set([...COMMON, 'logsource', 'detection', 'fields', 'scope']),
  filter: new Set([...COMMON, 'logsource', 'filter']),
  correlation: new Set([...COMMON, 'correlation', 'generate']),
};

/** Keys of Sigma v1 that v2 replaced; the value says what to use instead. */
export const DEPRECATED_KEYS: Record<string, string> = {
  action: 'multi-document collections with "action: global" were removed in Sigma v2: write one rule per document',
  timeframe: 'use a correlation rule with "timespan" instead of "detection.timeframe"',
};
