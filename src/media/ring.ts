/**
 * The ring: every segment the workers have written and the service still holds,
 * in memory for quick claims and in LevelDB (`ring` table) so a crash loses no
 * segment's timing.
 *
 * Invariants:
 * - A segment leaves the ring directory only by being sealed (moved into evidence)
 *   or by ageing out unclaimed.
 * - Sealed segments stay listed here (pointing at evidence) until they age out, so
 *   a later case's pre-record can claim them too.
 */
import { unlink } from 'node:fs/promises';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { RingRecord } from '../store/records.js';
import type { RingSegment } from './segment.js';

export interface RingEntry extends RingSegment {
  /** Set once sealed: the evidence segment id (same as id). */
  sealed?: boolean;
}

export class Ring {
  private readonly entries = new Map<string, RingEntry>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Load what a previous run left (after recovery has fixed partial entries). */
  async load(): Promise<void> {
    for (const rec of await this.store.ring.values()) this.entries.set(rec.id, { ...rec });
  }

  async opened(seg: RingSegment): Promise<void> {
    this.entries.set(seg.id, { ...seg });
    await this.store.ring.put(seg.id, toRecord(seg));
  }

  async closed(seg: RingSegment): Promise<void> {
    const entry = { ...this.entries.get(seg.id), ...seg };
    this.entries.set(seg.id, entry);
    if (!entry.sealed) await this.store.ring.put(seg.id, toRecord(entry));
  }

  markSealed(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.sealed = true;
  }

  get(id: string): RingEntry | undefined {
    return this.entries.get(id);
  }

  /** Closed segments overlapping [from, to) in start order; `to` undefined = open-ended. */
  closedOverlapping(from: number, to?: number): RingEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.end !== undefined && e.end > from && (to === undefined || e.start < to))
      .sort((a, b) => a.start - b.start || a.channel.localeCompare(b.channel));
  }

  all(): RingEntry[] {
    return [...this.entries.values()].sort((a, b) => a.start - b.start);
  }

  /**
   * Forget segments that ended before `before`. Unsealed ones are unclaimed
   * background footage: their files are deleted. `keep` may veto (a case still
   * wants it).
   */
  async prune(before: number, keep: (e: RingEntry) => boolean): Promise<number> {
    let removed = 0;
    for (const e of [...this.entries.values()]) {
      if (e.end === undefined || e.end >= before || keep(e)) continue;
      this.entries.delete(e.id);
      if (!e.sealed) {
        await unlink(e.file).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') this.log.warn({ err, file: e.file }, 'cannot delete aged ring segment');
        });
        await this.store.ring.del(e.id);
        removed++;
      }
    }
    return removed;
  }
}

function toRecord(seg: RingSegment): RingRecord {
  return {
    id: seg.id,
    channel: seg.channel,
    runId: seg.runId,
    index: seg.index,
    file: seg.file,
    start: seg.start,
    end: seg.end,
    runningStartNs: seg.runningStartNs,
    runningEndNs: seg.runningEndNs,
    partial: seg.partial,
  };
}
