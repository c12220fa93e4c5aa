/**
 * Reading the configuration file. A broken file is refused with a message naming
 * the field and what was expected; nothing is half-applied.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CasecamError, errorMessage } from '../core/errors.js';
import { ConfigSchema, type Config, type ResolvedPaths } from './schema.js';
import { unknownKeyHint } from './closest-key.js';
import { refuseSystemPath } from './path-rules.js';

const where = (at: readonly PropertyKey[]) => (at.length ? at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)');

/**
 * One line naming every problem with its field. With `root`, an unknown key is named
 * with its full path and the closest known key (`recordng: unknown key, did you mean "recording"?`).
 */
export function formatIssues(error: z.ZodError, what: string, root?: z.ZodType): string {
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const hint = root ? unknownKeyHint(root, issue.path, key) : '';
        return `${where([...issue.path, key])}: unknown key${hint ? `, ${hint}` : ''}`;
      });
    }
    return [`${where(issue.path)}: ${issue.message}`];
  });
  return `${what}: ${lines.join('; ')}`;
}

/**
 * Validate a configuration and apply every default, including those of the `mqtt`,
 * `gpio` and `serial` sections: nothing downstream supplies a default of its own.
 * Unknown keys are refused, never dropped.
 */
export function parseConfig(value: unknown, what = 'config'): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new CasecamError('bad-config', formatIssues(result.error, what, ConfigSchema));
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
  const config = relativeTo(path.dirname(path.resolve(file)), parseConfig(json, `config file ${file}`));
  try {
    resolvePaths(config);
  } catch (err) {
    throw new CasecamError('bad-config', `config file ${file}: ${errorMessage(err)}`);
  }
  return config;
}

/**
 * Relative paths in a config file are relative to the file's own directory, never to
 * the working directory the service happens to start in (docs/configuration.md).
 */
function relativeTo(dir: string, config: Config): Config {
  const abs = <T extends string | undefined>(p: T): T => (p === undefined ? p : (path.resolve(dir, p) as T));
  const { paths, mqtt } = config;
  return {
    ...config,
    paths: { dataDir: abs(paths.dataDir), ringDir: abs(paths.ringDir), evidenceDir: abs(paths.evidenceDir), backgroundDir: abs(paths.backgroundDir), keyDir: abs(paths.keyDir) },
    mqtt: { ...mqtt, caFile: abs(mqtt.caFile), certFile: abs(mqtt.certFile), keyFile: abs(mqtt.keyFile) },
  };
}

/** Absolute data paths; one under /proc, /sys or /dev is refused with its field named. */
export function resolvePaths(config: Pick<Config, 'paths'>): ResolvedPaths {
  const p = config.paths;
  const dataDir = refuseSystemPath(p.dataDir, 'paths.dataDir');
  return {
    dataDir,
    ringDir: refuseSystemPath(p.ringDir ?? path.join(dataDir, 'ring'), 'paths.ringDir'),
    evidenceDir: refuseSystemPath(p.evidenceDir ?? path.join(dataDir, 'evidence'), 'paths.evidenceDir'),
    backgroundDir: refuseSystemPath(p.backgroundDir ?? path.join(dataDir, 'background'), 'paths.backgroundDir'),
    keyDir: refuseSystemPath(p.keyDir ?? path.join(dataDir, 'keys'), 'paths.keyDir'),
    dbDir: path.join(dataDir, 'db'),
  };
}
