/**
 * A stop asked for while the service is still starting waits for the start, but not
 * for ever: a start step that hangs (a wedged file system, a FIFO where the key should
 * be) would otherwise keep the process, and the database lock, past every signal.
 * After `ms` the process says so and ends with SIGKILL on itself: Node cannot exit
 * while a hung file-system call holds a thread-pool thread (core/bounded.ts), and
 * nothing half-started is worth more than the lock. The exit is non-zero (killed).
 */
import type { Logger } from '../core/logger.js';

/** Well inside systemd's TimeoutStopSec=30 (hw/systemd/casecam.service). */
export const START_GRACE_MS = 10_000;

/** Arm the bound; the returned function disarms it once the start has finished. */
export function boundStartAfterSignal(log: Logger, signal: string, ms = START_GRACE_MS): () => void {
  const timer = setTimeout(() => {
    log.error({ signal, graceSeconds: ms / 1000 }, `the start did not finish within ${ms / 1000} s of ${signal}: ending the process without a clean stop`);
    const end = () => process.kill(process.pid, 'SIGKILL');
    setTimeout(end, 500).unref();
    log.flush(end);
  }, ms);
  return () => clearTimeout(timer);
}
