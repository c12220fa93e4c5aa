/**
 * Whether a directory sits on an encrypted block device (dm-crypt, LUKS or plain),
 * read from the kernel's sysfs: the file system's device number leads to
 * /sys/dev/block/MAJ:MIN; that device and everything under it (dm "slaves", e.g. LVM on
 * LUKS) is searched for a device-mapper target whose uuid starts with "CRYPT-".
 * `encrypted` is null when it cannot be told (tmpfs, overlay, network file systems, no
 * sysfs): unknown is reported as unknown, never as "no".
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface AtRest {
  encrypted: boolean | null;
  /** The file system's block device (kernel name, e.g. "dm-0", "mmcblk0p3"), when known. */
  device: string | null;
  /** The crypt layer found, e.g. "dm-1 (LUKS2)". */
  via?: string;
}

export function majorMinor(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

async function cryptLayer(devDir: string, seen: Set<string>): Promise<string | undefined> {
  const real = await realpath(devDir).catch(() => devDir);
  if (seen.has(real) || seen.size > 32) return undefined;
  seen.add(real);
  const uuid = await readFile(path.join(real, 'dm', 'uuid'), 'utf8').catch(() => '');
  if (uuid.startsWith('CRYPT-')) return `${path.basename(real)} (${uuid.split('-')[1] ?? 'crypt'})`;
  for (const s of await readdir(path.join(real, 'slaves')).catch(() => [] as string[])) {
    const found = await cryptLayer(path.join(real, 'slaves', s), seen);
    if (found) return found;
  }
  return undefined;
}

export async function atRest(dir: string, sysfs = '/sys'): Promise<AtRest> {
  let dev: bigint;
  try {
    dev = (await stat(dir, { bigint: true })).dev;
  } catch {
    return { encrypted: null, device: null };
  }
  const devDir = path.join(sysfs, 'dev', 'block', majorMinor(dev));
  const real = await realpath(devDir).catch(() => undefined);
  if (!real) return { encrypted: null, device: null };
  const via = await cryptLayer(real, new Set());
  return { encrypted: via !== undefined, device: path.basename(real), ...(via ? { via } : {}) };
}
