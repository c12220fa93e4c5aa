/**
 * Reading a bundle as untrusted input. A bundle is regular files in real directories,
 * nothing else: a symlink (to an identical copy elsewhere, or to /dev/zero), a FIFO or
 * a device is named and refused, never followed or opened. Every read is bounded by a
 * byte count known beforehand (the manifest's, or a fixed cap for the fixed files), so
 * no file can make a check hang or fill memory.
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError, isCasecamError } from '../core/errors.js';

function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** The error for a file the bundle may not hold in that form (or size); the message names it. */
const refused = (message: string) => new CasecamError('bad-bundle', message);

/** True for the errors above, as opposed to a file that is simply absent or unreadable. */
export const isRefused = (err: unknown): err is CasecamError => isCasecamError(err) && err.code === 'bad-bundle';

/**
 * Open `rel` under `dir` for reading, refusing symlinks at every level and anything but
 * a regular file at the end. O_NOFOLLOW and O_NONBLOCK close the gap between the checks
 * and the open (a file swapped for a link or a FIFO in between is refused, not waited on).
 */
export async function openRegular(dir: string, rel: string): Promise<{ fh: FileHandle; size: number }> {
  const parts = rel.split('/');
  let at = dir;
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    const st = await lstat(at);
    const last = i === parts.length - 1;
    if (last ? !st.isFile() : !st.isDirectory()) throw refused(`${parts.slice(0, i + 1).join('/')}: ${kind(st)}, not allowed in a bundle (only regular files)`);
  }
  const fh = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw refused(`${rel}: ${kind(st)}, not allowed in a bundle (only regular files)`);
  }
  return { fh, size: st.size };
}

/** At most `max` bytes of a regular file; undefined when absent; a refusal (isRefused) for anything else or larger. */
export async function readBounded(dir: string, rel: string, max: number): Promise<Buffer | undefined> {
  let opened;
  try {
    opened = await openRegular(dir, rel);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const { fh, size } = opened;
  try {
    if (size > max) throw refused(`${rel}: ${size} bytes, more than the ${max} a bundle's ${rel} may have`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** SHA-256 of the file's first `limit` bytes (never more), and its size. */
export async function hashBounded(fh: FileHandle, limit: number): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  let pos = 0;
  while (pos < limit) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, limit - pos), pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return { sha256: hash.digest('hex'), bytes: pos };
}

/** Every entry under `dir` (relative, with "/"), regular files in `files`, anything else named in `refused`. */
export async function listBundle(dir: string): Promise<{ files: string[]; refused: string[] }> {
  const files: string[] = [];
  const refused: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const ent of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, ent.name);
      const rel = path.relative(dir, p).split(path.sep).join('/');
      if (ent.isDirectory()) await walk(p);
      else if (ent.isFile()) files.push(rel);
      else refused.push(`${rel}: ${kind(await lstat(p))}, not allowed in a bundle (only regular files)`);
    }
  };
  await walk(dir);
  return { files, refused };
}

/** Directories 0700, files 0600: a bundle holds evidence, not for other local users (copies and ffmpeg's output take other modes). */
export async function privateTree(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) await privateTree(p);
    else if (ent.isFile()) await chmod(p, 0o600);
  }
}
