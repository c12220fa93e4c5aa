/**
 * One continuous file per channel: the channel's segments joined by ffmpeg's concat
 * demuxer with stream copy (`-c copy`), never re-encoded, so every frame and sample in
 * it is the sealed one. A gap between segments is closed up in this file; the manifest
 * lists the gaps with their wall-clock times.
 */
import { execFile } from 'node:child_process';
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { errorMessage } from '../core/errors.js';

const run = promisify(execFile);

export const REMUX_METHOD = 'ffmpeg concat demuxer, stream copy (-c copy): not re-encoded';

/**
 * Join `segments` (paths relative to `dir`, in order) into `out` (relative to `dir`).
 * Throws with ffmpeg's own message when it cannot.
 */
export async function remuxConcat(dir: string, segments: string[], out: string): Promise<void> {
  const list = path.join(dir, `${out}.concat.txt`);
  // Paths are bundle-relative and made by casecam ([A-Za-z0-9._/-]), so no quoting issue.
  await writeFile(list, segments.map((s) => `file '${path.relative(path.dirname(list), path.join(dir, s))}'\n`).join(''));
  // Bounded: stream copy is fast; a wedged ffmpeg must not hold the export (and the store) for ever.
  const timeout = 60_000 + segments.length * 2_000;
  try {
    await run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-map', '0', '-c', 'copy', '-y', path.join(dir, out)], {
      maxBuffer: 4 * 1024 * 1024,
      timeout,
      killSignal: 'SIGKILL',
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; killed?: boolean };
    if (e.killed) throw new Error(`ffmpeg did not finish within ${timeout / 1000} s`);
    if (e.code === 'ENOENT') throw new Error('ffmpeg is not installed (scripts/debian-packages.txt lists it)');
    throw new Error(`ffmpeg could not join the segments: ${(e.stderr ?? errorMessage(err)).trim().split('\n').slice(-1)[0]}`);
  } finally {
    await unlink(list).catch(() => undefined);
  }
}
