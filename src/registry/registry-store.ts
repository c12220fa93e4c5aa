/**
 * The registry directory: files an agency can back up, audit and read with standard
 * tools.
 *
 *   <dir>/registry.json            format, when and by whom it was made, CA fingerprint
 *   <dir>/ca/ca.pem, ca/ca.key      the fleet CA (ca.key mode 0600, ca/ 0700)
 *   <dir>/ca/crl.pem               the certificate revocation list the broker reads
 *   <dir>/devices/<deviceId>.json  one document per device (registry-schema.ts)
 *
 * Invariants enforced here:
 * - Every document is validated when read and before it is written.
 * - A device's history is append-only: a write whose history does not begin with the
 *   stored history, entry for entry, is refused.
 * - Writes are atomic and durable (temp file, fsync, rename, fsync of the directory),
 *   so a power cut leaves the old document or the new one, never half of one.
 * - One step at a time: every command that changes the registry runs inside
 *   `exclusive()`, which holds <dir>/.lock (created with O_EXCL), so two people
 *   provisioning the same ID at once cannot both succeed.
 */
import { open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CasecamError, errorMessage } from '../core/errors.js';
import { formatIssues } from '../config/load.js';
import { fsyncPath } from '../recording/durable-files.js';
import { DeviceEntrySchema, DeviceIdSchema, RegistryMetaSchema, type DeviceEntry, type RegistryMeta } from './registry-schema.js';

export class RegistryStore {
  constructor(readonly dir: string) {}

  get caDir(): string {
    return path.join(this.dir, 'ca');
  }
  get caCert(): string {
    return path.join(this.caDir, 'ca.pem');
  }
  get caKey(): string {
    return path.join(this.caDir, 'ca.key');
  }
  get crl(): string {
    return path.join(this.caDir, 'crl.pem');
  }
  get devicesDir(): string {
    return path.join(this.dir, 'devices');
  }

  deviceFile(deviceId: string): string {
    const id = DeviceIdSchema.safeParse(deviceId);
    if (!id.success) throw new CasecamError('usage', `"${deviceId}" is not a device ID (${id.error.issues[0]?.message})`);
    return path.join(this.devicesDir, `${id.data}.json`);
  }

  async meta(): Promise<RegistryMeta> {
    const file = path.join(this.dir, 'registry.json');
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new CasecamError('usage', `${this.dir} is not a registry (no registry.json; run casecam registry init)`);
      throw new CasecamError('storage', `cannot read ${file}: ${err.message}`);
    });
    return parseJson(RegistryMetaSchema, text, file);
  }

  async writeMeta(meta: RegistryMeta): Promise<void> {
    await writeAtomic(path.join(this.dir, 'registry.json'), JSON.stringify(RegistryMetaSchema.parse(meta), null, 2) + '\n', 0o644);
  }

  /** The device's document, or undefined when it was never provisioned. */
  async get(deviceId: string): Promise<DeviceEntry | undefined> {
    const file = this.deviceFile(deviceId);
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new CasecamError('storage', `cannot read ${file}: ${err.message}`);
    });
    if (text === undefined) return undefined;
    const entry = parseJson(DeviceEntrySchema, text, file);
    if (entry.deviceId !== deviceId) throw new CasecamError('storage', `${file} holds device ${entry.deviceId}, not ${deviceId}`);
    return entry;
  }

  async require(deviceId: string): Promise<DeviceEntry> {
    const entry = await this.get(deviceId);
    if (!entry) throw new CasecamError('usage', `device ${deviceId} is not in the registry ${this.dir}`);
    return entry;
  }

  async list(): Promise<DeviceEntry[]> {
    const names = await readdir(this.devicesDir).catch(() => [] as string[]);
    const out: DeviceEntry[] = [];
    for (const n of names.filter((n) => n.endsWith('.json')).sort()) {
      const entry = await this.get(n.slice(0, -'.json'.length));
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Run one registry step holding <dir>/.lock; a second step meanwhile is refused, not queued. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const lock = path.join(this.dir, '.lock');
    let fh;
    try {
      fh = await open(lock, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CasecamError('storage', `cannot lock the registry: ${errorMessage(err)}`);
      const holder = await readFile(lock, 'utf8').catch(() => '?');
      throw new CasecamError('usage', `another registry step is running (${lock}: ${holder.trim()}); if none is, remove that file`);
    }
    try {
      await fh.writeFile(`pid ${process.pid} since ${new Date().toISOString()}\n`);
      await fh.close();
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  async put(entry: DeviceEntry): Promise<void> {
    const checked = DeviceEntrySchema.parse(entry);
    const before = await this.get(checked.deviceId);
    if (before) {
      const kept = before.history.every((h, i) => isDeepStrictEqual(h, checked.history[i]));
      if (!kept || checked.history.length <= before.history.length) {
        throw new CasecamError('storage', `device ${checked.deviceId}: a change must append to its history, never rewrite it`);
      }
    }
    await writeAtomic(this.deviceFile(checked.deviceId), JSON.stringify(checked, null, 2) + '\n', 0o644);
  }
}

function parseJson<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, text: string, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CasecamError('storage', `${file} is not JSON: ${errorMessage(err)}`);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new CasecamError('storage', formatIssues(r.error, file));
  return r.data;
}

export async function writeAtomic(file: string, text: string | Buffer, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(text);
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncPath(path.dirname(file));
}
