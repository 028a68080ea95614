import type { PackageTestResult } from './test-runner.ts';

/** Plain-text report: one line per case, failures explained beneath. */
export function formatTestReport(result: PackageTestResult): string {
  const lines: string[] = [];
  for (const e of result.errors) lines.push(`error: ${e}`);
  for (const c of result.cases) {
    lines.push(`${c.passed ? '✓' : '✗'} ${c.file}:${c.line} ${c.name}`);
    if (c.passed) continue;
    for (const f of c.failures) lines.push(`    ${f}`);
    const produced = Object.entries(c.produced).map(([rule, n]) => `${rule} ×${n}`);
    lines.push(`    alerts produced: ${produced.length ? produced.join(', ') : 'none'}`);
  }
  lines.push(`${result.package}: ${result.passed} passed, ${result.failed} failed${result.errors.length ? `, ${result.errors.length} error(s)` : ''}`);
  return lines.join('\n');
}

/** JUnit XML for CI: one testsuite per test file, one testcase per case; load errors as a failed case. */
export function formatJunit(result: PackageTestResult): string {
  const byFile = new Map<string, PackageTestResult['cases']>();
  for (const c of result.cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  const suites: string[] = [];
  for (const [file, cases] of byFile) {
    const failures = cases.filter((c) => !c.passed).length;
    const body = cases.map((c) => {
      const open = `    <testcase classname="${xml(file)}" name="${xml(c.name)}" file="${xml(file)}" line="${c.line}"`;
      if (c.passed) return `${open}/>`;
      return `${open}>\n      <failure message="${xml(c.failures[0] ?? 'failed')}">${xml(c.failures.join('\n'))}</failure>\n    </testcase>`;
    });
    suites.push(`  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0">\n${body.join('\n')}\n  </testsuite>`);
  }
  if (result.errors.length > 0)
    suites.push(`  <testsuite name="loading" tests="1" failures="0" errors="1">\n    <testcase classname="loading" name="load package">\n      <error message="${xml(result.errors[0])}">${xml(result.errors.join('\n'))}</error>\n    </testcase>\n  </testsuite>`);
  const tests = result.cases.length + (result.errors.length ? 1 : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(result.package)}" tests="${tests}" failures="${result.failed}" errors="${result.errors.length ? 1 : 0}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
