/** File operations with the durability the evidence store relies on. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** mkdir -p (directories made with `mode`), and fsync the parent of every directory created so the new entry survives a crash. */
export async function mkdirDurable(dir: string, mode?: number): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode });
  if (!first) return;
  let d = dir;
  while (d.length >= first.length) {
    await fsyncPath(path.dirname(d));
    d = path.dirname(d);
  }
}

/**
 * Move a file into place durably: rename (or copy across file systems, since the ring
 * is tmpfs on a device), then fsync the file and both directories.
 */
export async function moveDurable(src: string, dest: string): Promise<void> {
  try {
    await rename(src, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const tmp = `${dest}.tmp`;
    await copyFile(src, tmp);
    await fsyncPath(tmp);
    await rename(tmp, dest);
    await unlink(src);
  }
  await fsyncPath(dest);
  await fsyncPath(path.dirname(dest));
  await fsyncPath(path.dirname(src)).catch(() => undefined);
}

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
