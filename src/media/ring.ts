/**
 * The ring: every segment the workers have written and the service still holds,
 * in memory for quick claims and in LevelDB (`ring` table) so a crash loses no
 * segment's timing.
 *
 * Invariants:
 * - A segment leaves the ring only by being sealed (moved into evidence), by ageing
 *   out of the pre-record window unclaimed (`discard`), or by eviction from the
 *   background footage (`evict`, called by retention after it journaled the eviction).
 * - Sealed segments stay listed here (pointing at evidence) until they age out, so
 *   a later case's pre-record can claim them too.
 * - What to keep and what to drop is decided by retention (src/evidence/retention.ts);
 *   the ring only carries it out.
 */
import { rename, copyFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { RingRecord } from '../store/records.js';
import type { RingSegment } from '../core/segment.js';

export interface RingEntry extends RingSegment {
  /** Set once sealed: the evidence segment id (same as id). */
  sealed?: boolean;
  /** File size once closed. */
  bytes?: number;
  /** Kept as background footage after leaving the pre-record window. */
  background?: boolean;
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
    const bytes = await stat(seg.file).then((s) => s.size, () => undefined);
    const entry: RingEntry = { ...this.entries.get(seg.id), ...seg, bytes };
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
   * Closed entries that ended before `before` and that `keep` does not veto: sealed ones
   * (to forget) and unclaimed ones still in the pre-record window's place (not yet background).
   */
  aged(before: number, keep: (e: RingEntry) => boolean): RingEntry[] {
    return this.all().filter((e) => e.end !== undefined && e.end < before && (e.sealed || !e.background) && !keep(e));
  }

  /** Unsealed background footage, oldest first. */
  background(): RingEntry[] {
    return this.all().filter((e) => e.background && !e.sealed);
  }

  /** Bytes of the unsealed files the ring holds (pre-record and background). */
  unsealedBytes(): number {
    let total = 0;
    for (const e of this.entries.values()) if (!e.sealed) total += e.bytes ?? 0;
    return total;
  }

  /** A sealed entry ageing out: its file is evidence now, only the listing goes. */
  forget(id: string): void {
    this.entries.delete(id);
  }

  /** An unclaimed entry leaving the pre-record window with no background kept: its file goes. */
  async discard(e: RingEntry): Promise<void> {
    this.entries.delete(e.id);
    await this.unlink(e.file);
    await this.store.ring.del(e.id);
  }

  /** Keep an unclaimed entry as background footage, moving its file to `dir` (on disk). */
  async toBackground(e: RingEntry, dir: string): Promise<void> {
    const dest = path.join(dir, path.basename(e.file));
    if (dest !== e.file) {
      try {
        await rename(e.file, dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await copyFile(e.file, dest);
        await unlink(e.file);
      }
    }
    e.file = dest;
    e.background = true;
    await this.store.ring.put(e.id, toRecord(e));
  }

  /**
   * Background entries retention evicted (after journaling it): file first, then row,
   * so a crash in between leaves a row with no file, which recovery drops.
   */
  async evicted(entries: RingEntry[]): Promise<void> {
    for (const e of entries) {
      this.entries.delete(e.id);
      await this.unlink(e.file);
      await this.store.ring.del(e.id);
    }
  }

  private async unlink(file: string): Promise<void> {
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.log.warn({ err, file }, 'cannot delete ring segment');
    });
  }
}

function toRecord(seg: RingEntry): RingRecord {
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
    bytes: seg.bytes,
    background: seg.background,
  };
}
