/**
 * Media-health measurements inside the media worker, on what is recorded: no second
 * decode. The video thumbnail comes from the `vhealth` appsink (VIDEO_PROBE in
 * pipeline-template.ts: 32×24 grey at 2 fps); the audio figures from the `level`
 * element's messages. The worker only measures; thresholds and alarms live in the
 * service (src/quality/media-health.ts), so a config change needs no new worker code.
 */

export interface LumaStats {
  mean: number;
  stdDev: number;
  /** Mean absolute difference from the previous thumbnail; absent for the first. */
  change?: number;
}

/** Statistics of one GRAY8 thumbnail, and its change from `previous` (same size). */
export function lumaStats(frame: Uint8Array, previous?: Uint8Array): LumaStats {
  const n = frame.length;
  if (n === 0) return { mean: 0, stdDev: 0 };
  let sum = 0;
  let squares = 0;
  let diff = 0;
  const compare = previous !== undefined && previous.length === n;
  for (let i = 0; i < n; i++) {
    const v = frame[i]!;
    sum += v;
    squares += v * v;
    if (compare) diff += Math.abs(v - previous[i]!);
  }
  const mean = sum / n;
  const stdDev = Math.sqrt(Math.max(0, squares / n - mean * mean));
  return compare ? { mean, stdDev, change: diff / n } : { mean, stdDev };
}

/**
 * The loudest channel's RMS and peak (dBFS) from a `level` message. The binding hands
 * GstValueArrays over as arrays or as their string form ("< -4.9, -5.1 >"); silence is
 * a very large negative number, capped here at −200 dB so it stays a finite number.
 */
export function levelFigures(msg: Record<string, unknown>): { rmsDb: number; peakDb: number } | undefined {
  const rms = dbList(msg.rms);
  const peak = dbList(msg.peak);
  if (!rms.length || !peak.length) return undefined;
  return { rmsDb: Math.max(...rms), peakDb: Math.max(...peak) };
}

function dbList(raw: unknown): number[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.replace(/[<>{}]/g, '').split(',') : [];
  return items
    .map((v) => Number(v))
    .filter((v) => !Number.isNaN(v))
    .map((v) => (Number.isFinite(v) ? Math.max(-200, Math.min(0, v)) : v > 0 ? 0 : -200));
}
