/**
 * One pidfile per channel (`<ringDir>/<channel>.worker.pid`), so a new start can find
 * media workers that outlived an earlier run of the service. After a kill -9 of the
 * main process its workers finish their segment and leave, but not at once: with a
 * real camera the new worker would find the device busy, and an old worker still
 * writing into the ring would race the start-up recovery.
 *
 * Invariants:
 * - A pidfile names a process by pid and start time (field 22 of /proc/PID/stat), so a
 *   recycled pid is never taken for our worker, and only a process whose command line
 *   names the media worker is signalled.
 * - `stopStaleWorkers` returns only when every such worker is gone (SIGTERM, which
 *   makes it end its segment, then SIGKILL after a bounded wait), and it runs before the
 *   recovery scan and before any new worker starts. The ring is tmpfs on a device, so
 *   pidfiles do not survive a reboot.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';

const SUFFIX = '.worker.pid';

export function pidFilePath(ringDir: string, channel: string): string {
  return path.join(ringDir, `${channel}${SUFFIX}`);
}

/** The start time of `pid` in clock ticks since boot; undefined when no such process runs (a zombie counts as gone). */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

export function writePidFile(file: string, pid: number): void {
  writeFileSync(file, JSON.stringify({ pid, start: processStart(pid) ?? null }), { mode: 0o600 });
}

/** Remove the pidfile if it still names `pid` (a newer worker may have written it since). */
export function removePidFile(file: string, pid: number | undefined): void {
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (pid === undefined || held.pid === pid) unlinkSync(file);
  } catch {
    /* gone already */
  }
}

export interface StaleWorker {
  channel: string;
  pid: number;
  /** How it ended: it left on SIGTERM, or needed SIGKILL. */
  how: 'terminated' | 'killed';
}

/** Stop every media worker an earlier run left behind in `ringDir`; bounded in time. */
export async function stopStaleWorkers(opts: { ringDir: string; log: Logger; termWaitMs?: number; killWaitMs?: number }): Promise<StaleWorker[]> {
  const stopped: StaleWorker[] = [];
  const names = (await readdir(opts.ringDir).catch(() => [] as string[])).filter((n) => n.endsWith(SUFFIX));
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(opts.ringDir, name);
      const channel = name.slice(0, -SUFFIX.length);
      const stale = await readStale(file);
      if (stale) {
        opts.log.warn({ channel, pid: stale.pid }, 'a media worker of an earlier run still holds the channel; stopping it');
        const how = await stop(stale.pid, stale.start, opts.termWaitMs ?? 5000, opts.killWaitMs ?? 2000);
        if (how === 'alive') throw new Error(`media worker ${stale.pid} of an earlier run (channel ${channel}) does not stop`);
        stopped.push({ channel, pid: stale.pid, how });
      }
      await unlink(file).catch(() => undefined);
    }),
  );
  return stopped;
}

async function readStale(file: string): Promise<{ pid: number; start: string } | undefined> {
  try {
    const { pid, start } = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; start?: unknown };
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1 || typeof start !== 'string') return undefined;
    if (pid === process.pid || processStart(pid) !== start) return undefined;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.includes('media-worker') ? { pid, start } : undefined;
  } catch {
    return undefined;
  }
}

async function stop(pid: number, start: string, termWaitMs: number, killWaitMs: number): Promise<StaleWorker['how'] | 'alive'> {
  const gone = () => processStart(pid) !== start;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone meanwhile */
    }
  };
  signal('SIGTERM');
  signal('SIGCONT'); // a stopped process acts on SIGTERM only once continued
  if (await waitUntil(gone, termWaitMs)) return 'terminated';
  signal('SIGKILL');
  return (await waitUntil(gone, killWaitMs)) ? 'killed' : 'alive';
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
