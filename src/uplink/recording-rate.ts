/**
 * How fast the device fills its evidence disk: the bytes of every segment closed in
 * the last few minutes, over that time. With the free space it gives "minutes of
 * recording left" (a counter box records continuously into its ring, so the rate is
 * known before any case is open).
 */
import { stat, statfs } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';

const WINDOW_MS = 5 * 60_000;

export class RecordingRate {
  private samples: Array<{ at: number; bytes: number }> = [];
  private off: (() => void) | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
  }

  start(): void {
    this.off = this.bus.on('segment.closed', async (seg) => {
      const bytes = await stat(seg.file).then((s) => s.size, () => 0);
      this.samples.push({ at: this.clock.now(), bytes });
    });
  }

  stop(): void {
    this.off?.();
  }

  bytesPerSecond(): number | null {
    const now = this.clock.now();
    this.samples = this.samples.filter((s) => now - s.at <= WINDOW_MS);
    if (!this.samples.length) return null;
    const span = Math.max(1000, Math.min(WINDOW_MS, now - this.startedAt));
    return this.samples.reduce((n, s) => n + s.bytes, 0) / (span / 1000);
  }
}

export async function diskFigures(dir: string): Promise<{ path: string; totalBytes: number; freeBytes: number } | null> {
  try {
    const s = await statfs(dir);
    return { path: dir, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    return null;
  }
}
