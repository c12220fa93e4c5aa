import { sleep } from '../../../simulator/pty-pair.js';

/**
 * Every caller waits for something that must happen, so a bound only decides how long a
 * failing test takes: on a busy 2-core machine a serial device or a fix can take seconds
 * longer than on an idle one. The bound is therefore at least MIN_WAIT_MS, whatever the
 * caller names (its figure says what is expected on an idle machine).
 */
export const MIN_WAIT_MS = 30_000;

/** Poll until `check` is true, at most max(`timeoutMs`, MIN_WAIT_MS); returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 25): Promise<boolean> {
  const end = Date.now() + Math.max(timeoutMs, MIN_WAIT_MS);
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
