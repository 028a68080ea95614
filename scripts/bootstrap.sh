#!/usr/bin/env bash
# Installs what the workspace needs on a fresh machine: pnpm (from the npm registry) and the locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want" ]; then
  echo "bootstrap: installing pnpm@$want from the npm registry" >&2
  npm install --global --no-audit --no-fund "pnpm@$want" >&2
fi
pnpm install --frozen-lockfile --prefer-offline >&2
# The packages' JavaScript and declarations (dist/), which the `socle` binary and the packed packages run;
# incremental, so a second run only rebuilds what changed.
node scripts/build.mjs >&2
# The analysts' console is static files bundled from packages/console (served by the alert API).
pnpm --filter @socle/console run build >&2
