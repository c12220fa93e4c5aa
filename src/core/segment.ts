/** What the service knows about one segment file written by a media worker. */
export interface RingSegment {
  /** `<channel>_<runId>_<index>`; also the file's base name. Unique per device. */
  id: string;
  channel: string;
  runId: string;
  index: number;
  /** Absolute path in the ring directory (until sealed). */
  file: string;
  /** Wall-clock start and end, ms since epoch. `end` is unset while it is being written. */
  start: number;
  end?: number;
  /** Pipeline running time at start and end, in ns (decimal string: exceeds 2^53 in long runs). */
  runningStartNs: string;
  runningEndNs?: string;
  /** True when the worker died before closing it: its end is the file's last write. */
  partial?: boolean;
}

const RING_NAME = /^([a-z0-9][a-z0-9-]{0,31})_(\d{13,})_(\d{5,})\.mkv$/;

export function segmentFileName(channel: string, runId: string, index: number): string {
  return `${channel}_${runId}_${String(index).padStart(5, '0')}.mkv`;
}

export function parseSegmentFileName(name: string): { id: string; channel: string; runId: string; index: number } | undefined {
  const m = RING_NAME.exec(name);
  if (!m) return undefined;
  return { id: name.slice(0, -4), channel: m[1]!, runId: m[2]!, index: Number(m[3]) };
}
