/**
 * The seal queue: sealing a segment (move, fsync, hash) and linking it to a case run one
 * at a time here, apart from the state queue, so a trigger never waits behind the disk
 * work of earlier segments.
 *
 * Invariants:
 * - Claims queued or running are counted per case (`pending`): a closing case is closed
 *   only when none of its claims is still being sealed.
 * - Retention runs on this same queue (the composition root hands both the one
 *   `SerialQueue`), so it never drops or moves a segment a claim is sealing, nor evicts
 *   one a claim is linking.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import { Store } from '../store/store.js';
import type { Ring } from '../media/ring.js';
import type { RingSegment } from '../core/segment.js';
import type { Sealer } from './sealer.js';

export interface SealQueueDeps {
  store: Store;
  ring: Ring;
  sealer: Sealer;
  bus: Bus;
  clock: Clock;
  log: Logger;
  channels: string[];
  /** The queue itself (shared with retention); a new one when not given. */
  queue?: SerialQueue;
  /** After a case's claim job succeeded (the closing check runs then). */
  onClaimDone?: (caseId: string) => void;
}

export class SealQueue {
  readonly queue: SerialQueue;
  /** Claim jobs queued or running, per case. */
  private readonly pendingByCase = new Map<string, number>();

  constructor(private readonly deps: SealQueueDeps) {
    this.queue = deps.queue ?? new SerialQueue();
  }

  pending(caseId: string): number {
    return this.pendingByCase.get(caseId) ?? 0;
  }

  /** A closed case has no claims left to count. */
  forget(caseId: string): void {
    this.pendingByCase.delete(caseId);
  }

  /** Run `fn` on the seal queue: no seal or link is in progress meanwhile. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** Queue a claim job for a case, counted as pending until it settles; a failure is logged. */
  enqueue(caseId: string, job: () => Promise<void>): void {
    this.pendingByCase.set(caseId, this.pending(caseId) + 1);
    this.queue.push(
      async () => {
        try {
          await job();
        } finally {
          this.pendingByCase.set(caseId, (this.pendingByCase.get(caseId) ?? 1) - 1);
        }
        this.deps.onClaimDone?.(caseId);
      },
      (err) => this.deps.log.error({ err, caseId }, 'claim failed'),
    );
  }

  /** Seal a ring segment (or link it, when sealed already) under the case. True when it is filed. */
  async file(caseId: string, seg: RingSegment): Promise<boolean> {
    const { deps } = this;
    if (await deps.store.caseSegments.get(Store.caseSegmentKey(caseId, seg.id))) return false;
    try {
      const { record, fresh } = await deps.sealer.seal(seg, { caseId });
      deps.ring.markSealed(seg.id);
      if (fresh) deps.bus.emit('segment.sealed', { segmentId: seg.id, channel: seg.channel, caseIds: record.caseIds, sha256: record.sha256, bytes: record.bytes });
      return true;
    } catch (err) {
      deps.log.error({ err, caseId, segment: seg.id }, 'cannot seal segment');
      deps.bus.emit('alarm.raised', { kind: 'storage.failure', subject: 'evidence', message: `cannot seal ${seg.id}: ${String(err)}`, at: deps.clock.now() });
      return false;
    }
  }

  /** Link segments sealed for other cases (or by recovery) that the ring no longer lists. */
  async linkSealed(caseId: string, from: number, to: number): Promise<number> {
    let linked = 0;
    for (const channel of this.deps.channels) {
      for (const rec of await this.deps.store.segmentsOverlapping(channel, from, to)) {
        if (rec.caseIds.includes(caseId)) continue;
        await this.deps.sealer.link(rec, caseId);
        linked++;
      }
    }
    return linked;
  }
}
