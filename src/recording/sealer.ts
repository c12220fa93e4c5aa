/**
 * Sealing: a claimed, closed segment moves from the ring into the evidence
 * directory, is fsynced (file and directory), hashed, and only then indexed.
 *
 * Invariant: the `segments` index never names a file that is not durable. The ring
 * row is removed in the same batch that adds the index row, so a crash at any point
 * leaves the segment either in the ring or in the index, never in neither.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { SegmentRecord } from '../store/records.js';
import type { RingSegment } from '../media/segment.js';
import { mkdirDurable, moveDurable, sha256File } from './durable-files.js';

export class Sealer {
  constructor(
    private readonly store: Store,
    private readonly evidenceDir: string,
    private readonly clock: Clock,
  ) {}

  /** Evidence path of a segment, relative to the evidence directory: <UTC day>/<id>.mkv */
  static relativePath(seg: { id: string; start: number }): string {
    return path.join(new Date(seg.start).toISOString().slice(0, 10), `${seg.id}.mkv`);
  }

  async seal(seg: RingSegment, opts: { recovered?: boolean } = {}): Promise<SegmentRecord> {
    const existing = await this.store.segments.get(seg.id);
    if (existing) return existing;
    if (seg.end === undefined) throw new Error(`segment ${seg.id} is still being written`);
    const rel = Sealer.relativePath(seg);
    const dest = path.join(this.evidenceDir, rel);
    await mkdirDurable(path.dirname(dest));
    const alreadyMoved = await exists(dest);
    if (!alreadyMoved) await moveDurable(seg.file, dest);
    const { sha256, bytes } = await sha256File(dest);
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
    };
    await this.store.batch([this.store.segments.putOp(seg.id, record), this.store.ring.delOp(seg.id)]);
    return record;
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
