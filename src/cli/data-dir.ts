/**
 * What the one-shot commands (case, journal) open: a data directory's store and
 * journal, from --data DIR or from the paths of --config FILE.
 */
import os from 'node:os';
import path from 'node:path';
import { CasecamError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { systemClock } from '../core/clock.js';
import { loadConfigFile, resolvePaths } from '../config/load.js';
import { PathsSchema, type ResolvedPaths } from '../config/schema.js';
import { Store } from '../store/store.js';
import { Journal } from '../evidence/journal.js';
import { bounded } from '../core/bounded.js';

export interface OpenData {
  paths: ResolvedPaths;
  store: Store;
  journal: Journal;
  /** offload.categories of --config (case kind → storage category); empty with --data. */
  categories: Record<string, string>;
}

export const dataOptions = {
  data: { type: 'string' },
  config: { type: 'string' },
} as const;

export async function openData(values: { data?: string; config?: string }): Promise<OpenData> {
  let paths: ResolvedPaths;
  let categories: Record<string, string> = {};
  if (values.data) paths = resolvePaths({ paths: PathsSchema.parse({ dataDir: path.resolve(values.data) }) });
  else if (values.config) {
    const config = await loadConfigFile(values.config);
    paths = resolvePaths(config);
    categories = config.offload?.categories ?? {};
  } else throw new CasecamError('usage', 'missing --data DIR (or --config FILE)');
  const store = await bounded(Store.open(paths.dbDir, silentLogger()), 'opening the database');
  const journal = await Journal.open(store, systemClock, silentLogger());
  for (const p of journal.openProblems) process.stderr.write(`casecam: warning: ${p}\n`);
  return { paths, store, journal, categories };
}

/** The operator named in the journal: --operator, else the OS user running the command. */
export function operatorName(given: string | undefined): string {
  if (given !== undefined && given.trim()) return given.trim();
  try {
    return `${os.userInfo().username} (os user)`;
  } catch {
    return 'unknown (os user)';
  }
}
