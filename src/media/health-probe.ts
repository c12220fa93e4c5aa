/**
 * Media-health measurements inside the media worker, on what is recorded: no second
 * decode. The video thumbnail comes from the `vhealth` appsink (VIDEO_PROBE in
 * pipeline-template.ts: 32×24 grey at 2 fps, of the recorded frame below the
 * watermark); the audio figures from the `level`
 * element's messages. The worker only measures; thresholds and alarms live in the
 * service (src/quality/media-health.ts), so a config change needs no new worker code.
 */

/** Size of the luma thumbnail the worker measures (media-health.ts): enough for variance and change. */
export const PROBE_WIDTH = 32;
export const PROBE_HEIGHT = 24;
/** Thumbnails per second: media health needs no more. */
export const PROBE_FPS = 2;
/** The `level` element's interval: each audio sample covers the 0.5 s before it arrives. */
export const LEVEL_INTERVAL_MS = 500;

/**
 * Rows of the 32×24 thumbnail left out of the figures: the top third, where the
 * watermark is drawn (the thumbnail is taken after the overlay, so the branch shares the
 * recorded frame instead of making the overlay copy every frame). Its four text lines,
 * from 25 px down, stay inside rows 1–7 at every size from 160×120 to 1920×1080
 * (measured on a black image), so neither the ticking clock nor the shaded text box can
 * hide a frozen, dark or covered image.
 */
export const WATERMARK_ROWS = 8;

/** The part of a thumbnail `width` pixels wide that is measured: below the watermark. */
export function belowWatermark(frame: Uint8Array, width: number): Uint8Array {
  return frame.subarray(Math.min(frame.length, width * WATERMARK_ROWS));
}

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
