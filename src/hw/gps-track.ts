/**
 * The 1 Hz GPS track in the store's `gpsTrack` table (key Store.timeKey(at)). The
 * evidence bundle takes a case's window from it.
 *
 * Invariants:
 * - Every fix is written. Rows are deleted only behind a cursor that never passes
 *   the window start of an active case, and never less than `keepMs` old (the
 *   pre-record time plus a margin), so a case opened now finds its pre-record track.
 * - When a case stops being active, the cursor jumps past its window end, so the
 *   rows of its window are kept (they belong to its evidence).
 * Rows older than the cursor at start-up are kept (a restart forgets nothing).
 */
import type { Logger } from '../core/logger.js';
import type { GpsFix } from '../store/gps-record.js';
import { Store } from '../store/store.js';

export interface ActiveWindow {
  id: string;
  windowStart: number;
  windowEnd?: number;
}

export class GpsTrack {
  private cursor: number | undefined;
  private known = new Map<string, ActiveWindow>();

  constructor(
    private readonly deps: {
      store: Store;
      log: Logger;
      activeWindows: () => ActiveWindow[];
      keepMs: number;
    },
  ) {}

  /** The track within [from, to] (ms), in time order: a case window for its bundle. */
  static async window(store: Store, from: number, to: number): Promise<GpsFix[]> {
    return store.gpsTrack.values({ gte: Store.timeKey(from), lt: Store.timeKey(to + 1) });
  }

  async write(fix: GpsFix): Promise<void> {
    await this.deps.store.gpsTrack.put(Store.timeKey(fix.at), fix);
  }

  /** Delete track rows that no case wants; call about once a second. */
  async prune(now: number): Promise<number> {
    const active = this.deps.activeWindows();
    const ids = new Set(active.map((w) => w.id));
    if (this.cursor === undefined) this.cursor = now - this.deps.keepMs;
    for (const [id, w] of this.known) {
      if (!ids.has(id)) this.cursor = Math.max(this.cursor, (w.windowEnd ?? now) + 1); // the window end is inclusive
    }
    this.known = new Map(active.map((w) => [w.id, w]));
    const cutoff = Math.min(now - this.deps.keepMs, ...active.map((w) => w.windowStart));
    if (cutoff <= this.cursor) return 0;
    const range = { gte: Store.timeKey(this.cursor), lt: Store.timeKey(cutoff) };
    const doomed = (await this.deps.store.gpsTrack.entries(range)).length;
    await this.deps.store.gpsTrack.sub.clear(range);
    this.cursor = cutoff;
    return doomed;
  }
}
