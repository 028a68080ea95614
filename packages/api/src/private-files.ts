/**
 * Data files (journal, triage, audit, tokens, engine state, checkpoints) hold alerts, personal data and secrets:
 * files are created 0600 and folders 0700 whatever the process umask, and existing ones are tightened on open.
 */
import { mkdirSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates a Socle data folder (and missing parents, 0700) and sets the folder itself to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Creates missing folders 0700 but leaves an existing one alone (a token store may sit in a shared folder). */
export function createMissingDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates missing folders 0700, leaving existing ones alone. */
export async function createMissingDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Sets an existing file to 0600 (the open mode only applies when a file is created). */
export async function makePrivate(file: string): Promise<void> {
  await chmod(file, PRIVATE_FILE_MODE).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
