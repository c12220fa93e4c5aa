/**
 * Case sessions: a case claims segments, it never starts a pipeline.
 *
 * A case's claim window runs from (opening trigger − pre-record) to (closing trigger
 * + post-record). Every closed segment of every channel that overlaps the window is
 * sealed and linked to the case. What a trigger does to a case is decided by the case
 * rules (`case-rules.ts`, pure); this module wires them to the bus and the queues:
 *
 * - `CaseBook` (`case-book.ts`): the active cases and the state queue on which every
 *   decision is made and written, one at a time.
 * - `SealQueue` (`seal-queue.ts`): sealing and linking, one at a time on a second queue,
 *   so a trigger never waits behind the disk work of earlier segments; retention shares it.
 * - `ClaimFiling` (`claim-filing.ts`): claims after the fact, and filing them again after
 *   an unclean stop.
 * - `ClosingTicker` (`closing-ticker.ts`): closes closing cases once they are due.
 *
 * Invariant: a case claims every closed ring segment overlapping its window, whether the
 * segment closed before the case opened (the pre-record) or after.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { SerialQueue } from '../core/serial-queue.js';
import { drainAll } from '../core/serial-queue.js';
import { overlapsWindow, type CaseWindow } from '../core/case-window.js';
import type { Store } from '../store/store.js';
import type { CaseRecord } from '../store/records.js';
import type { Ring } from '../media/ring.js';
import type { RingSegment } from '../core/segment.js';
import type { Journal } from '../evidence/journal.js';
import type { Sealer } from './sealer.js';
import { CaseRules, type CaseRulesConfig } from './case-rules.js';
import { CaseBook } from './case-book.js';
import { SealQueue } from './seal-queue.js';
import { ClaimFiling } from './claim-filing.js';
import { ClosingTicker } from './closing-ticker.js';
import type { ClaimRequest, ClaimResult, CloseRequest, MarkerRequest, OpenRequest } from './case-requests.js';
import { findHoles, type ExplainGap } from './case-coverage.js';

export type { ClaimRequest, ClaimResult, CloseRequest, MarkerRequest, OpenRequest } from './case-requests.js';
export { MAX_CLAIM_MS } from './case-requests.js';

export interface CaseSessionsDeps extends CaseRulesConfig {
  store: Store;
  ring: Ring;
  sealer: Sealer;
  journal: Journal;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /**
   * The last stop was unclean: a claim may have been journaled (`case.claimed`) but not
   * yet sealed and linked. Its interval is filed again at start, for closed cases too.
   */
  refileClaims?: boolean;
  /** The seal queue, shared with retention; a new one when not given. */
  sealQueue?: SerialQueue;
  /** Explains stretches of a window no media and no gap event covers (case-coverage.ts). */
  explainGap?: ExplainGap;
  /** The coverage tolerance: one frame of the slowest channel. */
  frameMs?: number;
}

export class CaseSessions {
  private readonly rules: CaseRules;
  private readonly book: CaseBook;
  private readonly seals: SealQueue;
  private readonly claims: ClaimFiling;
  private readonly ticker: ClosingTicker;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: CaseSessionsDeps) {
    const { store, ring, sealer, journal, bus, clock, log } = deps;
    this.rules = new CaseRules({
      deviceId: deps.deviceId,
      kind: deps.kind,
      site: deps.site,
      unit: deps.unit,
      defaultOfficerId: deps.defaultOfficerId,
      channels: deps.channels,
      preRecordSeconds: deps.preRecordSeconds,
      postRecordSeconds: deps.postRecordSeconds,
      segmentSeconds: deps.segmentSeconds,
    });
    this.book = new CaseBook({ store, journal, bus, clock, log });
    const onClaimDone = (caseId: string): void => {
      if (this.book.get(caseId)?.status === 'closing') this.ticker.check();
    };
    this.seals = new SealQueue({ store, ring, sealer, bus, clock, log, channels: deps.channels, queue: deps.sealQueue, onClaimDone });
    const frameMs = deps.frameMs ?? 40;
    this.claims = new ClaimFiling({ book: this.book, rules: this.rules, seals: this.seals, store, ring, bus, clock, log, frameMs });
    const coverage = deps.explainGap ? { store, channels: deps.channels, frameMs, explain: deps.explainGap } : undefined;
    this.ticker = new ClosingTicker({ book: this.book, rules: this.rules, seals: this.seals, store, ring, bus, clock, log, coverage });
  }

  /** The seal queue (retention runs its passes on it). */
  get sealQueue(): SerialQueue {
    return this.seals.queue;
  }

  /** Load open and closing cases, claim what the ring already holds for them. */
  async start(): Promise<void> {
    const { bus, ring, store } = this.deps;
    await this.book.load();
    const refile = this.deps.refileClaims ? (await store.cases.values()).filter((c) => c.claims?.length).map((c) => this.book.get(c.id) ?? c) : [];
    this.unsubscribe.push(
      bus.on('segment.opened', (seg) => this.book.queue.run(() => ring.opened(seg))),
      bus.on('segment.closed', (seg) => this.book.queue.run(() => this.onSegmentClosed(seg))),
      bus.on('recording.gap', (gap) => this.book.change((active) => this.rules.gap(active, gap)).then(() => undefined)),
    );
    this.ticker.start();
    await this.book.queue.run(() => {
      for (const c of this.book.cases().values()) this.claimExisting(c);
      for (const c of refile) this.claims.refile(c);
    });
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    this.ticker.stop();
    await this.idle();
  }

  /** Resolves when every queued claim and seal is done. */
  idle(): Promise<void> {
    return drainAll([this.book.queue, this.seals.queue]);
  }

  activeCases(): CaseRecord[] {
    return [...this.book.cases().values()].map((c) => structuredClone(c));
  }

  openCases(): CaseRecord[] {
    return this.activeCases().filter((c) => c.status === 'open');
  }

  /** The windows of the cases still recording (open or closing), without copying them. */
  windows(): CaseWindow[] {
    return [...this.book.cases().values()];
  }

  open(req: OpenRequest): Promise<{ caseId: string; created: boolean }> {
    return this.book.queue.run(async () => {
      const now = this.deps.clock.now();
      const active = this.book.cases();
      const caseId = this.rules.openingCaseId(active, req, now);
      const stored = active.has(caseId) ? undefined : await this.deps.store.cases.get(caseId);
      const result = await this.book.apply(this.rules.open(active, { request: req, stored }, now));
      // A new case claims what the ring already holds of its window: the pre-record.
      const c = this.book.get(caseId);
      if (result.created && c) {
        this.claimExisting(c);
        this.accountForStart(c);
      }
      return result;
    });
  }

  marker(req: MarkerRequest): Promise<{ caseId: string }> {
    return this.book.change((active, now) => this.rules.marker(active, req, now));
  }

  close(req: CloseRequest): Promise<{ caseId: string; windowEnd: number }> {
    return this.book.change((active, now) => this.rules.close(active, req, now));
  }

  claimInterval(req: ClaimRequest): Promise<ClaimResult> {
    return this.claims.claimInterval(req);
  }

  /**
   * Once its pre-record is filed: a window reaching back before the first media (a case
   * opened soon after the service started) gets that stretch as a gap with its cause.
   */
  private accountForStart(c: CaseRecord): void {
    const { explainGap, store, channels } = this.deps;
    if (!explainGap) return;
    this.seals.enqueue(c.id, async () => {
      const current = this.book.get(c.id);
      if (!current) return;
      const gaps = await findHoles({ store, channels, frameMs: this.deps.frameMs ?? 40, explain: explainGap }, current, { leadingOnly: true });
      for (const gap of gaps) {
        await this.book.change((active) => {
          const only = active.get(c.id);
          return this.rules.gap(only ? new Map([[c.id, only]]) : new Map(), gap);
        });
      }
    });
  }

  /** Queue a claim of every closed ring segment in the case's window, and of sealed ones the ring no longer lists. */
  private claimExisting(c: CaseRecord): void {
    const { ring, clock } = this.deps;
    for (const seg of ring.closedOverlapping(c.windowStart, c.windowEnd)) this.enqueueClaim(c.id, seg);
    // Sealed but not linked: a crash between the move and the index left it to recovery.
    this.seals.enqueue(c.id, async () => {
      const current = this.book.get(c.id) ?? c;
      await this.seals.linkSealed(c.id, current.windowStart, current.windowEnd ?? clock.now());
    });
    if (c.status === 'closing') {
      this.seals.enqueue(c.id, async () => {
        const current = this.book.get(c.id);
        if (current?.status === 'closing') this.ticker.noteDone(current);
      });
    }
  }

  private async onSegmentClosed(seg: RingSegment): Promise<void> {
    await this.deps.ring.closed(seg);
    for (const c of this.book.cases().values()) if (overlapsWindow(seg, c)) this.enqueueClaim(c.id, seg);
  }

  /** Seal and link `seg` to a case on the seal queue; a closing case then notes whether it is complete. */
  private enqueueClaim(caseId: string, seg: RingSegment): void {
    this.seals.enqueue(caseId, async () => {
      await this.seals.file(caseId, seg);
      const c = this.book.get(caseId);
      if (c?.status === 'closing') this.ticker.noteDone(c, seg);
    });
  }
}
