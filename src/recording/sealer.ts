/**
 * Sealing: a claimed, closed segment moves from the ring into the evidence
 * directory, is fsynced (file and directory), hashed, and only then indexed.
 *
 * Invariants:
 * - The `segments` index never names a file that is not durable.
 * - The index row, the removal of the ring row, the link to the claiming case and the
 *   `segment.sealed` journal entry are one batch: a crash at any point leaves the
 *   segment either in the ring or sealed, linked and journaled, never half of it.
 * - Linking an already sealed segment to another case is likewise one batch with its
 *   `segment.linked` journal entry.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { Store } from '../store/store.js';
import type { SegmentRecord } from '../store/records.js';
import type { RingSegment } from '../core/segment.js';
import type { Journal } from '../evidence/journal.js';
import { fsyncPath, mkdirDurable, moveDurable, sha256File } from './durable-files.js';

export interface SealResult {
  record: SegmentRecord;
  /** True when this call sealed it; false when it was sealed already. */
  fresh: boolean;
}

export class Sealer {
  /** Day directories whose entry in the evidence directory is known durable in this run. */
  private readonly durableDays = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly evidenceDir: string,
    private readonly clock: Clock,
    private readonly journal: Journal,
  ) {}

  /** Evidence path of a segment, relative to the evidence directory: <UTC day>/<id>.mkv */
  static relativePath(seg: { id: string; start: number }): string {
    return path.join(new Date(seg.start).toISOString().slice(0, 10), `${seg.id}.mkv`);
  }

  /** Seal a segment, linked to `caseId` when given (or link it, if it is sealed already). */
  async seal(seg: RingSegment, opts: { recovered?: boolean; caseId?: string } = {}): Promise<SealResult> {
    const existing = await this.store.segments.get(seg.id);
    if (existing) {
      return { record: opts.caseId !== undefined ? await this.link(existing, opts.caseId) : existing, fresh: false };
    }
    if (seg.end === undefined) throw new Error(`segment ${seg.id} is still being written`);
    const rel = Sealer.relativePath(seg);
    const dest = path.join(this.evidenceDir, rel);
    const dayDir = path.dirname(dest);
    await mkdirDurable(dayDir);
    if (!this.durableDays.has(dayDir)) {
      // mkdirDurable fsyncs the parent only when it creates the directory: one an earlier
      // run made and died before fsyncing is made durable here, once per day and run.
      await fsyncPath(this.evidenceDir);
      this.durableDays.add(dayDir);
    }
    const alreadyMoved = await exists(dest);
    if (!alreadyMoved) await moveDurable(seg.file, dest);
    else {
      // Moved before a crash that may have come before its fsync: make it durable before it is indexed.
      await fsyncPath(dest);
      await fsyncPath(path.dirname(dest));
    }
    const { sha256, bytes } = await sha256File(dest);
    const caseIds = opts.caseId !== undefined ? [opts.caseId] : [];
    const record: SegmentRecord = {
      id: seg.id,
      channel: seg.channel,
      file: rel,
      start: seg.start,
      end: seg.end,
      bytes,
      sha256,
      runningStartNs: seg.runningStartNs,
      runningEndNs: seg.runningEndNs,
      partial: seg.partial,
      recovered: opts.recovered || alreadyMoved || undefined,
      sealedAt: this.clock.now(),
      caseIds,
    };
    const { store } = this;
    await this.journal.append(
      'segment.sealed',
      { segmentId: seg.id, channel: seg.channel, file: rel, start: seg.start, end: seg.end, bytes, sha256, partial: seg.partial, recovered: record.recovered },
      {
        caseIds,
        ops: [
          store.segments.putOp(seg.id, record),
          store.ring.delOp(seg.id),
          ...caseIds.map((caseId) => store.caseSegments.putOp(Store.caseSegmentKey(caseId, seg.id), { caseId, segmentId: seg.id, channel: seg.channel, start: seg.start })),
        ],
      },
    );
    return { record, fresh: true };
  }

  /** File an already sealed segment under one more case. */
  async link(rec: SegmentRecord, caseId: string): Promise<SegmentRecord> {
    const { store } = this;
    if (rec.caseIds.includes(caseId)) return rec;
    const updated: SegmentRecord = { ...rec, caseIds: [...rec.caseIds, caseId] };
    await this.journal.append(
      'segment.linked',
      { segmentId: rec.id, channel: rec.channel, sha256: rec.sha256, start: rec.start, end: rec.end },
      {
        caseIds: [caseId],
        ops: [
          store.segments.putOp(rec.id, updated),
          store.caseSegments.putOp(Store.caseSegmentKey(caseId, rec.id), { caseId, segmentId: rec.id, channel: rec.channel, start: rec.start }),
        ],
      },
    );
    return updated;
  }

  absolutePath(rec: SegmentRecord): string {
    return path.join(this.evidenceDir, rec.file);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
