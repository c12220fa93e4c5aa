/**
 * The offload state retention honours: a segment whose offload an offload target has
 * confirmed carries `offloadedAt`, and only then may retention evict it (if it belongs
 * to a case). The offload subsystem calls `markOffloaded` once the target acknowledged
 * the bytes (and, ideally, their SHA-256).
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import { CasecamError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { SegmentRecord } from '../store/records.js';
import type { Journal } from './journal.js';

export interface OffloadDeps {
  store: Store;
  journal: Journal;
  clock: Clock;
  bus?: Bus;
}

export interface OffloadMark {
  /** Where it went, e.g. `s3://bucket/prefix`. */
  target: string;
  by?: string;
}

/**
 * Record that `target` holds these segments. Already marked ones are left as they are;
 * unknown or evicted ids are refused (nothing is marked then).
 */
export async function markOffloaded(deps: OffloadDeps, segmentIds: string[], mark: OffloadMark): Promise<{ marked: string[] }> {
  const { store, journal, clock, bus } = deps;
  const recs: SegmentRecord[] = [];
  for (const id of new Set(segmentIds)) {
    const rec = await store.segments.get(id);
    if (!rec) throw new CasecamError('bad-request', `no sealed segment ${id}`);
    if (rec.evictedAt !== undefined) throw new CasecamError('bad-request', `segment ${id} was evicted; it cannot be confirmed now`);
    if (rec.offloadedAt === undefined) recs.push(rec);
  }
  if (recs.length === 0) return { marked: [] };
  const at = clock.now();
  const caseIds = [...new Set(recs.flatMap((r) => r.caseIds))];
  await journal.append(
    'offload.confirmed',
    { target: mark.target, by: mark.by, segments: recs.map((r) => ({ id: r.id, sha256: r.sha256, bytes: r.bytes })) },
    { caseIds, ops: recs.map((r) => store.segments.putOp(r.id, { ...r, offloadedAt: at, offloadTarget: mark.target })) },
  );
  bus?.emit('offload.confirmed', { segmentIds: recs.map((r) => r.id), caseIds, target: mark.target, at });
  return { marked: recs.map((r) => r.id) };
}
