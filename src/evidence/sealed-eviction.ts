/**
 * Evicting sealed footage under storage pressure: which rows may go, in which order, and
 * the eviction itself.
 *
 * Invariants:
 * - Case footage that is not confirmed offloaded is never evicted, nor footage of a case
 *   still open or closing, offloaded or not (`evictable`, checked again on the very rows
 *   being evicted, not only when they were picked).
 * - The `storage.evicted` journal entry and the rows' `evictedAt` are one batch, written
 *   before any file goes; a crash before the files are gone is finished by recovery.
 */
import path from 'node:path';
import { unlink } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { SegmentRecord } from '../store/records.js';
import type { Journal } from './journal.js';

/** At most this many segments in one eviction entry, so entries stay small. */
export const EVICT_CHUNK = 200;

export interface Candidate {
  id: string;
  start: number;
  bytes: number;
  /** 0: no case claims it; 1: offloaded case footage. */
  rank: number;
}

/**
 * The one rule of what retention may delete: footage no case claims, or case footage
 * whose offload is confirmed and whose cases are all closed (`activeCaseIds`: open or closing).
 */
export function evictable(r: SegmentRecord, activeCaseIds: Set<string>): boolean {
  if (r.caseIds.length === 0) return true;
  return r.offloadedAt !== undefined && !r.caseIds.some((id) => activeCaseIds.has(id));
}

/**
 * Sealed footage retention may evict: first what no case claims, then offloaded case
 * footage; oldest first. A whole-table walk, so it runs only under pressure, and with a
 * plain parse: the rows picked are read and validated again before anything goes.
 */
export async function sealedCandidates(store: Store, activeCaseIds: Set<string>): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for await (const [id, r] of store.segmentRowsUnchecked()) {
    if (!r) continue;
    if (r.evictedAt !== undefined || !Array.isArray(r.caseIds) || typeof r.bytes !== 'number' || typeof r.start !== 'number') continue;
    if (!evictable(r as SegmentRecord, activeCaseIds)) continue;
    out.push({ id, start: r.start, bytes: r.bytes, rank: r.caseIds.length === 0 ? 0 : 1 });
  }
  return out.sort((a, b) => a.rank - b.rank || a.start - b.start);
}

export interface SealedEvictionDeps {
  store: Store;
  journal: Journal;
  bus: Bus;
  clock: Clock;
  log: Logger;
  evidenceDir: string;
}

/**
 * Evict the picked rows that are still evictable (`activeCaseIds` is asked per chunk);
 * `onFreed` is told the bytes of each chunk once its files are gone.
 */
export async function evictSealed(
  deps: SealedEvictionDeps,
  picked: Candidate[],
  reason: string,
  activeCaseIds: () => Set<string>,
  onFreed: (bytes: number) => void,
): Promise<void> {
  const { store, journal, clock, log, bus } = deps;
  for (let i = 0; i < picked.length; i += EVICT_CHUNK) {
    // Re-read each row: a claim may have filed it under a case since it was picked.
    const chunk: SegmentRecord[] = [];
    const active = activeCaseIds();
    for (const p of picked.slice(i, i + EVICT_CHUNK)) {
      const r = await store.segments.get(p.id);
      if (r && r.evictedAt === undefined && evictable(r, active)) chunk.push(r);
    }
    if (chunk.length === 0) continue;
    const at = clock.now();
    const bytes = chunk.reduce((n, r) => n + r.bytes, 0);
    await journal.append(
      'storage.evicted',
      {
        reason,
        kind: 'sealed',
        bytes,
        segments: chunk.map((r) => ({
          id: r.id,
          channel: r.channel,
          file: r.file,
          start: r.start,
          end: r.end,
          bytes: r.bytes,
          sha256: r.sha256,
          caseIds: r.caseIds,
          offloadedAt: r.offloadedAt,
          offloadTarget: r.offloadTarget,
        })),
      },
      { caseIds: [...new Set(chunk.flatMap((r) => r.caseIds))], ops: chunk.map((r) => store.segments.putOp(r.id, { ...r, evictedAt: at })) },
    );
    for (const r of chunk) {
      await unlink(path.join(deps.evidenceDir, r.file)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') log.warn({ err, segment: r.id }, 'cannot delete evicted segment');
      });
    }
    onFreed(bytes);
    log.info({ reason, segments: chunk.length, bytes }, 'sealed footage evicted');
    bus.emit('storage.evicted', { kind: 'sealed', reason, segments: chunk.length, bytes, at });
  }
}
