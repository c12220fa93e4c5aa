/**
 * A media worker must never outlive its service: an orphaned worker keeps a camera open,
 * writes into a ring nobody reads and holds its parent's output pipes (test runs were seen
 * hanging on such orphans for an hour).
 *
 * The service going away is seen two ways: IPC `disconnect` (the usual one) and, as a
 * second guard for a channel that stays open (its other end inherited by some other
 * process), the parent PID changing (the orphan is re-parented). SIGTERM counts too.
 * Then `leave` finishes the open segments; whatever it is still waiting for, the process
 * exits `graceMs` later.
 */
export interface ParentWatchOptions {
  periodMs?: number;
  graceMs?: number;
}

/** Set by whoever forks a worker: its PID is the parent to watch (the worker may load after it died). */
export const SERVICE_PID_ENV = 'CASECAM_SERVICE_PID';

/** The environment a worker is forked with: the caller's, plus who the service is. */
export function workerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, [SERVICE_PID_ENV]: String(process.pid) };
}

export function watchParent(leave: () => void, opts: ParentWatchOptions = {}): void {
  const parent = Number(process.env[SERVICE_PID_ENV]) || process.ppid;
  let left = false;
  const go = () => {
    if (left) return;
    left = true;
    // Not unref'd: this timer is what guarantees the exit.
    setTimeout(() => process.exit(0), opts.graceMs ?? 8000);
    leave();
  };
  process.on('disconnect', go);
  process.on('SIGTERM', go);
  const check = () => {
    if (process.ppid !== parent) go();
  };
  setInterval(check, opts.periodMs ?? 1000).unref();
  check();
}
