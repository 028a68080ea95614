import { lintPackage, testPackage, formatDiagnostic, formatTestReport } from '@socle/rules';
const dir = process.argv[2];
const lint = await lintPackage(dir);
for (const d of lint.diagnostics) console.log(formatDiagnostic(d));
console.log('lint', lint.errors, lint.warnings);
if (process.argv[3] !== 'lint') {
  const t = await testPackage(dir);
  console.log(formatTestReport(t));
}
