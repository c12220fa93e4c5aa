import { sleep } from '../../../simulator/pty-pair.js';

/** Poll until `check` is true, at most `timeoutMs`; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
