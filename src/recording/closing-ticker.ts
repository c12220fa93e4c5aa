/**
 * The closing ticker: every second (and after each claim of a closing case), closing
 * cases the rules find due are closed, on the state queue.
 *
 * It keeps what the rules need and the store does not hold: per closing case, the
 * channels that have delivered media past the window's end, and per channel, whether its
 * media is lost now and why (from `video.lost` alarms), for the cause of the closing gap.
 */
import type { CaseParts } from './case-parts.js';
import { Store } from '../store/store.js';
import type { CaseRecord } from '../store/records.js';
import type { RingSegment } from '../core/segment.js';
import { findHoles, type ExplainGap } from './case-coverage.js';

export interface ClosingTickerDeps extends CaseParts {
  periodMs?: number;
  /** Explains what of a closing window no media and no gap covers (case-coverage.ts). */
  coverage?: { store: Store; channels: string[]; frameMs: number; explain: ExplainGap };
}

export class ClosingTicker {
  /** Per closing case: channels that have delivered media past the window's end. */
  private readonly done = new Map<string, Set<string>>();
  /** Channels whose media is lost now: the alarm's message. */
  private readonly lost = new Map<string, string>();
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ClosingTickerDeps) {}

  start(): void {
    const { bus } = this.deps;
    this.unsubscribe.push(
      bus.on('alarm.raised', (a) => {
        if (a.kind === 'video.lost' && !this.lost.has(a.subject)) this.lost.set(a.subject, a.message);
      }),
      bus.on('alarm.cleared', (a) => {
        if (a.kind === 'video.lost') this.lost.delete(a.subject);
      }),
    );
    this.timer = setInterval(() => this.check(), this.deps.periodMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
  }

  /** Note the channels past the window's end: of `seg`, or of every closed ring segment of the case. */
  noteDone(c: CaseRecord, seg?: RingSegment): void {
    const done = this.done.get(c.id) ?? new Set<string>();
    this.done.set(c.id, done);
    const segs = seg ? [seg] : this.deps.ring.closedOverlapping(c.windowStart);
    for (const s of segs) if (this.deps.rules.reachesWindowEnd(c, s)) done.add(s.channel);
  }

  /** Queue a check for cases due to close; a failure is logged (and retried by the next tick). */
  check(): void {
    this.deps.book.queue.push(
      () => this.closeDue(),
      (err) => this.deps.log.error({ err }, 'closing cases failed'),
    );
  }

  private async closeDue(): Promise<void> {
    const { book, rules, seals, store, clock } = this.deps;
    const now = clock.now();
    for (const c of [...book.cases().values()]) {
      const done = this.done.get(c.id) ?? new Set<string>();
      if (!rules.closingDue(c, { done, pending: seals.pending(c.id) }, now)) continue;
      const mediaEnd: Record<string, number> = {};
      const links = await store.caseSegments.values(Store.caseSegmentRange(c.id));
      for (const link of links) {
        if (done.has(link.channel)) continue;
        const seg = await store.segments.get(link.segmentId);
        if (seg && seg.end > (mediaEnd[link.channel] ?? -Infinity)) mediaEnd[link.channel] = seg.end;
      }
      const facts = { done, mediaEnd, lost: this.lost, segments: links.length };
      // Whatever no media and no gap covers gets a gap with its cause, found on the record as it would close.
      const holes = this.deps.coverage ? await findHoles(this.deps.coverage, rules.finish(c, facts, now).records[0]!) : [];
      await book.apply(rules.finish(c, { ...facts, holes }, now));
      this.done.delete(c.id);
      seals.forget(c.id);
    }
  }
}
