/** The folder holding index.html, console.js and console.css. */
export declare const CONSOLE_ASSETS_DIR: string;
/** True once `pnpm --filter @socle/console build` (run by scripts/bootstrap.sh) has produced the assets. */
export declare function consoleIsBuilt(dir?: string): boolean;
