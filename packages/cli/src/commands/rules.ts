import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  formatCoverageTable,
  formatDiagnostic,
  formatJunit,
  formatTestReport,
  importSigma,
  lintExitCode,
  lintPackage,
  listRules,
  navigatorLayer,
  packageCoverage,
  testExitCode,
  testPackage,
} from '@socle/rules';

/** Exit code for bad arguments, as opposed to 1 for findings or failures. */
const USAGE_ERROR = 2;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs a command body; a thrown error (bad path, unreadable file) is a usage error with its message. */
async function run(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    process.stderr.write(`socle rules: ${(e as Error).message}\n`);
    process.exitCode = USAGE_ERROR;
  }
}

/** `socle rules lint|test|import-sigma|coverage|list`: the logic lives in @socle/rules; this only parses and prints. */
export function registerRules(program: Command): void {
  const rules = program.command('rules').description('work with detection packages: lint, test, import, coverage, list');
  rules.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : USAGE_ERROR);
  });

  rules
    .command('lint')
    .description('check a detection package: schemas, ids, tags, fields, conditions and what the engine rejects')
    .argument('<pkg>', 'package folder (with socle-package.yml)')
    .option('--strict', 'exit 1 on warnings too')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((pkg: string, opts: { strict?: boolean; format: string }) =>
      run(async () => {
        const result = await lintPackage(pkg);
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          for (const d of result.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
          process.stdout.write(`${result.package}: ${result.errors} error(s), ${result.warnings} warning(s)\n`);
        }
        return lintExitCode(result, !!opts.strict);
      }),
    );

  rules
    .command('test')
    .description('run the tests stored in a package (tests/*.yml) against its rules')
    .argument('<pkg>', 'package folder')
    .addOption(new Option('--reporter <reporter>', 'report format').choices(['text', 'junit', 'json']).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action((pkg: string, opts: { reporter: string; output?: string }) =>
      run(async () => {
        const result = await testPackage(pkg);
        const report =
          opts.reporter === 'junit'
            ? formatJunit(result)
            : opts.reporter === 'json'
              ? `${JSON.stringify(result, null, 2)}\n`
              : `${formatTestReport(result)}\n`;
        if (opts.output) await writeFile(opts.output, report);
        else process.stdout.write(report);
        if (opts.output && opts.reporter !== 'text') process.stderr.write(formatTestReport(result).split('\n').pop() + '\n');
        return testExitCode(result);
      }),
    );

  rules
    .command('import-sigma')
    .description('load a Sigma rule tree, report what loaded and what not, optionally write it as a package')
    .argument('<dir>', 'folder of Sigma rules (e.g. a SigmaHQ checkout)')
    .option('--pipeline <name|file>', 'pipeline to apply (repeatable): a file or a shipped pipeline name', collect, [])
    .option('--out <pkg-dir>', 'write the loadable rules as a package into this folder')
    .option('--json', 'print the report as JSON')
    .action((dir: string, opts: { pipeline: string[]; out?: string; json?: boolean }) =>
      run(async () => {
        const report = await importSigma(dir, { pipelines: opts.pipeline, out: opts.out });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return 0;
        }
        const lines = [`${report.files} file(s) read from ${report.source}`, `loaded: ${report.loaded}`, `rejected: ${report.rejected.length}`];
        for (const r of report.rejected) lines.push(`  ${r.file}${r.id ? ` [${r.id}]` : ''}: ${r.reason}`);
        if (report.uncoveredFields.length > 0) {
          lines.push(`fields not covered by the pipeline(s): ${report.uncoveredFields.length}`);
          for (const f of report.uncoveredFields) lines.push(`  ${f.field} (${f.rules} rule(s))`);
        }
        if (report.out) lines.push(`wrote ${report.written} file(s) to ${report.out}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );

  rules
    .command('coverage')
    .description('ATT&CK techniques covered by a package (from attack.tXXXX tags)')
    .argument('<pkg>', 'package folder')
    .option('--navigator <file>', 'also write an ATT&CK Navigator layer (4.5, enterprise-attack)')
    .option('--json', 'print the coverage as JSON')
    .action((pkg: string, opts: { navigator?: string; json?: boolean }) =>
      run(async () => {
        const result = await packageCoverage(pkg);
        if (opts.navigator) await writeFile(opts.navigator, `${JSON.stringify(navigatorLayer(result), null, 2)}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatCoverageTable(result)}\n`);
        return 0;
      }),
    );

  rules
    .command('list')
    .description('load rules and show what loaded and why others did not')
    .requiredOption('--rules <dir|file>', 'rule file or folder (repeatable)', collect, [])
    .option('--pipeline <file>', 'pipeline file or shipped name (repeatable)', collect, [])
    .option('--json', 'print {"loaded": n, "rejected": [{file, id, reason}]}')
    .action((opts: { rules: string[]; pipeline: string[]; json?: boolean }) =>
      run(async () => {
        if (opts.rules.length === 0) throw new Error('give at least one --rules <dir|file>');
        const listing = await listRules(opts.rules, opts.pipeline);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ loaded: listing.loaded, rejected: listing.rejected })}\n`);
          return 0;
        }
        const lines = listing.loadedRules.map((r) => `loaded    ${r.id ?? '-'}  ${r.title ?? ''}`);
        for (const r of listing.rejected) lines.push(`rejected  ${r.id ?? '-'}  ${r.file}: ${r.reason}`);
        lines.push(`${listing.loaded} loaded, ${listing.rejected.length} rejected`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
}
