#!/usr/bin/env node
// Runs the compiled CLI (dist/). In the workspace, `node --conditions=@socle/source` (the tests, `pnpm socle:dev`)
// runs the TypeScript sources instead, through tsx, a development dependency.
const main = import.meta.resolve('#main');
if (main.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(main);
