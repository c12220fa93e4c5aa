/**
 * A time bound for a step that should be quick but touches something that may hang
 * (a file system that loops or blocks, a FIFO where a file should be, a wedged device).
 * The step itself cannot be cancelled; the caller stops waiting for it and fails with
 * the step named.
 *
 * A step that timed out and is still pending is "wedged": it holds a libuv thread-pool
 * thread, and Node can then neither exit normally nor through process.exit() (both
 * wait for that thread). `wedgedSteps()` lets the command line see that and end the
 * process the only way left (main.ts).
 */
import { CasecamError } from './errors.js';

/** Default bound of a file-system step at start-up or export. */
export const STEP_MS = 30_000;

/** Process-wide by nature: the thread pool the wedged calls hold is the process's own. */
const wedged = new Set<string>();

export function wedgedSteps(): string[] {
  return [...wedged];
}

export function bounded<T>(step: Promise<T>, what: string, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (!settled) wedged.add(what);
      reject(new CasecamError('storage', `${what} did not finish within ${Math.round(ms / 1000)} s`));
    }, ms);
    timer.unref();
  });
  const done = () => {
    settled = true;
    wedged.delete(what);
  };
  step.then(done, done);
  return Promise.race([step, timeout]).finally(() => clearTimeout(timer));
}
