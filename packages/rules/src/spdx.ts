/** SPDX licence identifiers rule packs commonly use; `LicenseRef-*` covers the rest. */
const KNOWN_LICENCES = new Set([
  'Apache-2.0', 'MIT', 'DRL-1.1', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'MPL-2.0', 'GPL-2.0-only',
  'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only',
  'LGPL-3.0-or-later', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0',
  'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'EPL-2.0', 'Unlicense', '0BSD', 'BSL-1.0', 'Elastic-2.0',
]);

/** True for an SPDX expression of known identifiers joined by AND/OR/WITH, with optional parentheses. */
export function isSpdxExpression(expr: string): boolean {
  const tokens = expr.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return false;
  return tokens.every((t, i) =>
    i % 2 === 1 ? t === 'AND' || t === 'OR' || t === 'WITH' : KNOWN_LICENCES.has(t) || /^LicenseRef-[\w.-]+$/.test(t),
  );
}
