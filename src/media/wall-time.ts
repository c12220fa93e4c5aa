/** Pipeline running time (ns, as the media worker reports it) to wall-clock ms. */

/** Longer than any pipeline runs: GStreamer's "no time" (2^64 − 1) and garbage land above it. */
const MAX_RUNNING_NS = 10n ** 18n;

/**
 * Wall-clock ms of a pipeline running time. A fragment opened or closed before the
 * pipeline had a clock (e.g. stopped at once) reports no valid time: use `now`.
 */
export function wallTime(wallBase: number, runningNs: string, now: number): number {
  const ns = BigInt(runningNs);
  if (ns > MAX_RUNNING_NS) return now;
  return Math.round(wallBase + Number(ns / 1000n) / 1000);
}
