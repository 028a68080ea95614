/** `pnpm --filter @socle/console exec tsx scripts/dev.ts [port]`: the console over seeded alerts, tokens printed. */
import { startConsoleFixture } from '../src/testing/console-fixture.ts';

const fixture = await startConsoleFixture({ port: Number(process.argv[2] ?? 9281) });
process.stdout.write(`${fixture.url}/ui/\n${JSON.stringify(fixture.tokens, null, 2)}\n`);
process.on('SIGINT', () => void fixture.close().then(() => process.exit(0)));
