/**
 * The media worker's own check of what the service sends it: the same rules as
 * ToWorkerSchema (worker-protocol.ts), written without zod, because every channel runs a
 * worker process and zod alone costs each one about 9 MB of heap and 0.1 s of CPU at
 * start (measured, bench/README.md "cost"). The service side keeps the zod schemas; a
 * unit test holds this check to the same verdicts as ToWorkerSchema.
 */
import type { ToWorker } from './worker-protocol.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

function checkLiveStart(raw: Record<string, unknown>): ToWorker | undefined {
  const { protocol, url, passphrase, streamId, latencyMs, keyframe } = raw;
  if (protocol !== 'srt' && protocol !== 'rtmp') return undefined;
  if (!str(url, 512) || typeof keyframe !== 'boolean') return undefined;
  if (passphrase !== undefined && !str(passphrase, 79)) return undefined;
  if (streamId !== undefined && !str(streamId, 512)) return undefined;
  if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 20 || latencyMs > 8000) return undefined;
  return {
    type: 'live-start',
    protocol,
    url,
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(streamId !== undefined ? { streamId } : {}),
    latencyMs,
    keyframe,
  };
}

/** The message if it is a well-formed ToWorker message, else undefined. */
export function checkToWorker(raw: unknown): ToWorker | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'start':
      return typeof raw.channel === 'string' && typeof raw.pipeline === 'string' && typeof raw.stallSeconds === 'number' && Number.isFinite(raw.stallSeconds)
        ? { type: 'start', channel: raw.channel, pipeline: raw.pipeline, stallSeconds: raw.stallSeconds }
        : undefined;
    case 'osd':
      return typeof raw.text === 'string' && raw.text.length <= 2000 ? { type: 'osd', text: raw.text } : undefined;
    case 'stop':
      return { type: 'stop' };
    case 'live-start':
      return checkLiveStart(raw);
    case 'live-stop':
      return { type: 'live-stop' };
    case 'set': {
      const { element, property, value } = raw;
      if (typeof element !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(element)) return undefined;
      if (typeof property !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(property)) return undefined;
      if (typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) return undefined;
      return { type: 'set', element, property, value };
    }
    default:
      return undefined;
  }
}

/**
 * Running times go out as decimal strings of at most 20 digits; anything else as
 * GStreamer's "no time" (2^64 − 1), which the supervisor dates by its own clock.
 */
export function runningNs(value: unknown): string {
  const s = String(value);
  return /^\d{1,20}$/.test(s) ? s : '18446744073709551615';
}
