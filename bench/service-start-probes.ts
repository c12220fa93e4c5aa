/** What the cost and startup benches watch while a `casecam run` starts and stops. */
import type { ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Start-up milestones in casecam's log, in the order they happen. */
export const MILESTONES = ['media worker started', 'service started', 'connected to broker'];

/** Whether the ring directory holds a segment file with data in it (the first frame is written). */
export async function ringHasData(ring: string): Promise<boolean> {
  try {
    for (const f of await readdir(ring)) if (f.endsWith('.mkv') && (await stat(path.join(ring, f))).size > 0) return true;
  } catch {
    /* not created yet */
  }
  return false;
}

/** Resolves once the child has exited (at once if it already has). */
export function stopped(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}
