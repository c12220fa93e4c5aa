/**
 * The service's own directories (ring, evidence, background, database, keys by
 * device-key.ts), made before anything is written into them.
 *
 * Invariants:
 * - They are private to the service user: made 0700, and one found wider (group or
 *   other bits) is narrowed to 0700 and reported, since evidence is not for other local
 *   users. Files inside follow the process umask (0077 for `casecam`, main.ts; `UMask=`
 *   in the systemd unit); the directory mode is what keeps them private regardless.
 * - Every step is bounded in time (core/bounded.ts): a file system that hangs fails the
 *   start with the step named instead of wedging it.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import type { ResolvedPaths } from '../config/schema.js';
import { bounded } from '../core/bounded.js';
import { mkdirDurable } from './durable-files.js';

export const PRIVATE_DIR_MODE = 0o700;

export interface NarrowedDir {
  dir: string;
  was: string;
  now: string;
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** Narrow `dir` to 0700 when group or others may enter it; returns what it was, if narrowed. */
export async function narrowDir(dir: string): Promise<NarrowedDir | undefined> {
  const mode = (await bounded(stat(dir), `looking at ${dir}`)).mode & 0o7777;
  if (!(mode & 0o077)) return undefined;
  await bounded(chmod(dir, PRIVATE_DIR_MODE), `narrowing ${dir}`);
  return { dir, was: octal(mode), now: octal(PRIVATE_DIR_MODE) };
}

export async function prepareDataDirs(paths: ResolvedPaths, opts: { background: boolean }): Promise<NarrowedDir[]> {
  const dirs = [paths.ringDir, paths.evidenceDir, paths.dbDir, ...(opts.background ? [paths.backgroundDir] : [])];
  const narrowed: NarrowedDir[] = [];
  for (const dir of dirs) {
    if (dir === paths.evidenceDir) await bounded(mkdirDurable(dir, PRIVATE_DIR_MODE), `making ${dir}`);
    else await bounded(mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE }), `making ${dir}`);
    const n = await narrowDir(dir);
    if (n) narrowed.push(n);
  }
  return narrowed;
}
