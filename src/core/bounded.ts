/**
 * A time bound for a step that should be quick but touches something that may hang
 * (a file system that loops or blocks, a wedged device). The step itself cannot be
 * cancelled; the caller stops waiting for it and fails with the step named.
 */
import { CasecamError } from './errors.js';

/** Default bound of a file-system step at start-up or export. */
export const STEP_MS = 30_000;

export function bounded<T>(step: Promise<T>, what: string, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CasecamError('storage', `${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  });
  return Promise.race([step, timeout]).finally(() => clearTimeout(timer));
}
