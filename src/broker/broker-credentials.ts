/**
 * The embedded broker's login: one user name and a random password, generated at the
 * first start and kept in `<dataDir>/embedded-broker.json`, readable by the service's
 * user only (0600). The service logs in with it; an operator reads it with
 * `casecam broker credentials --data DIR`; no other local user can.
 *
 * Invariant: the file is created with mode 0600 (exclusive create, so two starts never
 * write two passwords), and a file found readable by others is narrowed back to 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CasecamError, errorMessage } from '../core/errors.js';

export const CREDENTIALS_FILE = 'embedded-broker.json';

export const BrokerCredentialsSchema = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(16).max(256),
  })
  .strict();
export type BrokerCredentials = z.infer<typeof BrokerCredentialsSchema>;

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, CREDENTIALS_FILE);
}

/** Read the credentials; undefined when the file does not exist yet. */
export async function readBrokerCredentials(file: string): Promise<BrokerCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CasecamError('storage', `cannot read ${file}: ${errorMessage(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CasecamError('storage', `${file} is not JSON; delete it to make new credentials`);
  }
  const parsed = BrokerCredentialsSchema.safeParse(raw);
  if (!parsed.success) throw new CasecamError('storage', `${file} does not hold {username, password}; delete it to make new credentials`);
  return parsed.data;
}

/**
 * The credentials, made on first use. `narrowed` says the file had been readable by
 * others (its password should be taken as known: delete the file to get a new one).
 */
export async function loadOrCreateBrokerCredentials(dataDir: string): Promise<{ credentials: BrokerCredentials; created: boolean; narrowed: boolean }> {
  const file = credentialsPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const fresh: BrokerCredentials = { username: 'casecam', password: randomBytes(24).toString('base64url') };
  try {
    await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return { credentials: fresh, created: true, narrowed: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CasecamError('storage', `cannot write ${file}: ${errorMessage(err)}`);
  }
  let narrowed = false;
  if (((await stat(file)).mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    narrowed = true;
  }
  const credentials = await readBrokerCredentials(file);
  if (!credentials) throw new CasecamError('storage', `${file} vanished while it was read`);
  return { credentials, created: false, narrowed };
}
