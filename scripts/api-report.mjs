#!/usr/bin/env node
// The public API of @socle/core and @socle/rules, as API Extractor reports of their built declarations
// (packages/<pkg>/api/<pkg>.api.md, checked in), plus the doc model in dist/api-model/ for reference pages.
//   node scripts/api-report.mjs          check: fails when the API differs from the checked-in report (npm test, CI)
//   node scripts/api-report.mjs --update write the new reports; commit them with a CHANGELOG.md entry
// Run after the build (scripts/build.mjs).
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
let failed = false;
for (const pkg of ['core', 'rules']) {
  const config = ExtractorConfig.loadFileAndPrepare(join(root, 'packages', pkg, 'api-extractor.json'));
  const result = Extractor.invoke(config, {
    localBuild: update,
    showVerboseMessages: false,
    messageCallback: (m) => {
      // the "report changed" warning is said below in words a contributor can act on
      if (m.messageId === 'console-api-report-changed' || m.messageId === 'console-api-report-copied' || m.messageId === 'console-api-report-created') m.handled = true;
    },
  });
  if (result.apiReportChanged) {
    const report = `packages/${pkg}/api/${pkg}.api.md`;
    if (update) console.error(`api: ${report} updated; commit it with a note in CHANGELOG.md`);
    else {
      console.error(`api: the public API of @socle/${pkg} changed (new report in packages/${pkg}/dist/api-report/).\n` +
        `     If that is intended: node scripts/api-report.mjs --update, then note the change in CHANGELOG.md.`);
      failed = true;
    }
  }
  if (!result.succeeded && !result.apiReportChanged) failed = true;
}
process.exit(failed ? 1 : 0);
