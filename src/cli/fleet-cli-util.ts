/** Small helpers shared by the `casecam fleet` commands. */
import { CasecamError } from '../core/errors.js';

/** A whole, non-negative number from a flag, or `def` when the flag is absent. */
export function seconds(value: string | undefined, flag: string, def: number): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CasecamError('usage', `${flag} must be a number ≥ 0`);
  return n;
}

/** A time from a flag: ISO date/time, or a duration back from now such as 24h, 7d, 30m. */
export function sinceTime(value: string | undefined, flag: string, def: number, now = Date.now()): number {
  if (value === undefined) return def;
  const m = /^(\d+)([smhd])$/.exec(value);
  if (m) return now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CasecamError('usage', `${flag} must be an ISO date/time or a duration such as 24h or 7d, got "${value}"`);
  return t;
}

/** Resolves on SIGINT or SIGTERM (a long-running fleet command ends cleanly on either). */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
