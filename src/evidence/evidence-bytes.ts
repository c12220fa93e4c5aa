/**
 * The bytes of sealed evidence on disk (not evicted), counted under a storage budget.
 *
 * The count at start walks the whole `segments` table, in the background: a store of
 * 250 000 segments takes seconds to scan, and recording must not wait for that. Segments
 * sealed meanwhile are counted by their event and skipped when the walk reaches their row,
 * so nothing is counted twice.
 */
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';

export class EvidenceBytes {
  total = 0;
  private counting = false;
  private readonly sealedWhileCounting = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** A segment was sealed: its bytes count from now. */
  sealed(segmentId: string, bytes: number): void {
    this.total += bytes;
    if (this.counting) this.sealedWhileCounting.add(segmentId);
  }

  evicted(bytes: number): void {
    this.total -= bytes;
  }

  /** Add every sealed, not evicted segment's bytes (once, at start). */
  async count(): Promise<void> {
    this.counting = true;
    try {
      for await (const [key, v] of this.store.segmentRowsUnchecked()) {
        if (this.sealedWhileCounting.has(key)) continue; // counted by its event already
        // Only the size is needed here: a plain parse, not the full schema, keeps it quick.
        // A damaged row is skipped (the store's rule), never allowed to stop the count.
        if (!v) {
          this.log.error({ table: 'segments', key }, 'stored value is not JSON; not counted');
          continue;
        }
        if (typeof v.bytes === 'number' && v.evictedAt === undefined) this.total += v.bytes;
      }
    } finally {
      this.counting = false;
      this.sealedWhileCounting.clear();
    }
  }
}
