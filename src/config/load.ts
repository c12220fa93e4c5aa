/**
 * Reading the configuration file. A broken file is refused with a message naming
 * the field and what was expected; nothing is half-applied.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CasecamError, errorMessage } from '../core/errors.js';
import { ConfigSchema, type Config, type ResolvedPaths } from './schema.js';

export function formatIssues(error: z.ZodError, what: string): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    return `${where}: ${issue.message}`;
  });
  return `${what}: ${lines.join('; ')}`;
}

export function parseConfig(value: unknown, what = 'config'): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new CasecamError('bad-config', formatIssues(result.error, what));
  const ids = result.data.channels.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new CasecamError('bad-config', `${what}: channels: channel id "${dup}" is used twice`);
  return result.data;
}

export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CasecamError('bad-config', `cannot read config file ${file}: ${errorMessage(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CasecamError('bad-config', `config file ${file} is not valid JSON: ${errorMessage(err)}`);
  }
  return parseConfig(json, `config file ${file}`);
}

export function resolvePaths(config: Pick<Config, 'paths'>): ResolvedPaths {
  const dataDir = path.resolve(config.paths.dataDir);
  return {
    dataDir,
    ringDir: path.resolve(config.paths.ringDir ?? path.join(dataDir, 'ring')),
    evidenceDir: path.resolve(config.paths.evidenceDir ?? path.join(dataDir, 'evidence')),
    backgroundDir: path.resolve(config.paths.backgroundDir ?? path.join(dataDir, 'background')),
    keyDir: path.resolve(config.paths.keyDir ?? path.join(dataDir, 'keys')),
    dbDir: path.join(dataDir, 'db'),
  };
}
