/**
 * Case sessions: a case claims segments, it never starts a pipeline.
 *
 * A case's claim window runs from (opening trigger − pre-record) to (closing trigger
 * + post-record). Every closed segment of every channel that overlaps the window is
 * sealed and linked to the case. A case is `open` until its closing trigger,
 * `closing` until every channel has delivered media past the window's end (or a
 * deadline passes), then `closed`.
 *
 * Invariants:
 * - Case state changes (open, marker, close, gaps, ring rows) run one at a time through
 *   `serial()`, so they never interleave half-done. They are quick LevelDB writes.
 * - Sealing (move, fsync, hash) and linking a segment to a case run one at a time on a
 *   second queue, so a trigger never waits behind the disk work of earlier segments.
 * - A closing case is closed only when none of its claims is still being sealed.
 * - Retention runs on the seal queue too (`exclusive()`), so it never drops or moves a
 *   segment a claim is sealing, nor evicts one a claim is linking.
 * - A second opening trigger for an open case adds a marker, never a second case.
 * - Every change to a case record is written in one batch with its journal entry
 *   (`save()`), so the case file and the journal never disagree.
 * - `claimInterval` files a past interval under a case: ring and background footage
 *   is sealed, already sealed footage is linked; the parts with nothing left become gaps.
 *   After an unclean stop every claimed interval is filed again at start (`refileClaims`),
 *   so a claim journaled just before a crash is not lost.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { GapEvent } from '../core/events.js';
import { checkCaseId } from '../core/case-id.js';
import { CasecamError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { CaseRecord, Gap, Marker, SegmentRecord, Trigger } from '../store/records.js';
import { Store as StoreClass } from '../store/store.js';
import type { Ring, RingEntry } from '../media/ring.js';
import type { RingSegment } from '../core/segment.js';
import type { Journal } from '../evidence/journal.js';
import type { Sealer } from './sealer.js';

export interface CaseSessionsDeps {
  store: Store;
  ring: Ring;
  sealer: Sealer;
  journal: Journal;
  bus: Bus;
  clock: Clock;
  log: Logger;
  deviceId: string;
  kind: string;
  site?: string;
  unit?: string;
  defaultOfficerId?: string;
  channels: string[];
  preRecordSeconds: number;
  postRecordSeconds: number;
  segmentSeconds: number;
  /**
   * The last stop was unclean: a claim may have been journaled (`case.claimed`) but not
   * yet sealed and linked. Its interval is filed again at start, for closed cases too.
   */
  refileClaims?: boolean;
}

export interface OpenRequest {
  caseId?: string;
  trigger: string;
  source: string;
  officerId?: string;
  kind?: string;
  note?: string;
}

export interface CloseRequest {
  caseId?: string;
  trigger: 'documents.served' | 'record.stop' | string;
  source: string;
  reason?: string;
  documents?: string[];
  by?: string;
}

export interface MarkerRequest {
  caseId?: string;
  type: string;
  note?: string;
  by?: string;
  source: string;
}

/** File the footage of a past interval [from, to) (epoch ms) under a case. */
export interface ClaimRequest {
  caseId: string;
  from: number;
  to: number;
  source: string;
  by?: string;
  reason?: string;
  /** Kind of a case this claim creates (default: the device's usual kind). */
  kind?: string;
}

export interface ClaimResult {
  caseId: string;
  /** True when the case did not exist and the claim created it (closed). */
  created: boolean;
  /** Segments filed under the case by this claim (newly sealed or linked). */
  segments: number;
  /** Parts of the interval with no footage left, per channel (also recorded as gaps). */
  missing: Array<{ channel: string; from: number; to: number }>;
}

/** The longest interval one claim may file. */
export const MAX_CLAIM_MS = 24 * 3600 * 1000;

export class CaseSessions {
  private readonly active = new Map<string, CaseRecord>();
  /** Per closing case: channels that have delivered media past the window's end. */
  private readonly channelsDone = new Map<string, Set<string>>();
  private queue: Promise<unknown> = Promise.resolve();
  private sealQueue: Promise<unknown> = Promise.resolve();
  /** Claims queued or being sealed, per case. */
  private readonly pendingClaims = new Map<string, number>();
  private readonly unsubscribe: Array<() => void> = [];
  private ticker: NodeJS.Timeout | undefined;
  /** Channels whose media is lost now: since when and why (from video.lost alarms). */
  private readonly down = new Map<string, { since: number; cause: string }>();

  constructor(private readonly deps: CaseSessionsDeps) {}

  /** Load open and closing cases, claim what the ring already holds for them. */
  async start(): Promise<void> {
    const claimed: CaseRecord[] = [];
    for (const c of await this.deps.store.cases.values()) {
      if (c.status !== 'closed') this.active.set(c.id, c);
      if (this.deps.refileClaims && c.claims?.length) claimed.push(this.active.get(c.id) ?? c);
    }
    const { bus } = this.deps;
    this.unsubscribe.push(bus.on('segment.opened', (seg) => this.serial(() => this.deps.ring.opened(seg))));
    this.unsubscribe.push(bus.on('segment.closed', (seg) => this.serial(() => this.onSegmentClosed(seg))));
    this.unsubscribe.push(bus.on('recording.gap', (gap) => this.serial(() => this.onGap(gap))));
    this.unsubscribe.push(
      bus.on('alarm.raised', (a) => {
        if (a.kind === 'video.lost' && !this.down.has(a.subject)) this.down.set(a.subject, { since: a.at, cause: a.message });
      }),
    );
    this.unsubscribe.push(
      bus.on('alarm.cleared', (a) => {
        if (a.kind === 'video.lost') this.down.delete(a.subject);
      }),
    );
    await this.serial(async () => {
      for (const c of this.active.values()) await this.claimExisting(c);
      for (const c of claimed) this.refile(c);
    });
    this.ticker = setInterval(() => this.closeDue(), 1000);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.ticker) clearInterval(this.ticker);
    await this.idle();
  }

  /** Resolves when every queued claim and seal is done. */
  async idle(): Promise<void> {
    let q: Promise<unknown>;
    let sq: Promise<unknown>;
    do {
      q = this.queue;
      sq = this.sealQueue;
      await Promise.all([q, sq]).catch(() => undefined);
    } while (q !== this.queue || sq !== this.sealQueue);
  }

  activeCases(): CaseRecord[] {
    return [...this.active.values()].map((c) => structuredClone(c));
  }

  openCases(): CaseRecord[] {
    return this.activeCases().filter((c) => c.status === 'open');
  }

  /** Run `fn` on the seal queue: no seal or link is in progress meanwhile (retention). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.sealQueue.then(fn, fn);
    this.sealQueue = run.catch(() => undefined);
    return run;
  }

  /** Whether any segment is wanted by an active case (so the ring must not drop it). */
  wants(seg: RingEntry): boolean {
    for (const c of this.active.values()) if (overlaps(seg, c)) return true;
    return false;
  }

  open(req: OpenRequest): Promise<{ caseId: string; created: boolean }> {
    return this.serial(async () => {
      const { deps } = this;
      const now = deps.clock.now();
      const caseId = req.caseId !== undefined ? checkCaseId(req.caseId) : this.newCaseId(now);
      const existing = this.active.get(caseId);
      if (existing) {
        if (existing.status !== 'open') throw new CasecamError('bad-request', `case ${caseId} is closing; wait until it is closed`);
        await this.mark(existing, { at: now, type: req.trigger, note: req.note ?? 'repeated opening trigger', by: req.officerId, source: req.source });
        return { caseId, created: false };
      }
      const stored = await deps.store.cases.get(caseId);
      if (stored) throw new CasecamError('bad-request', `case ${caseId} was already recorded and closed; use a new case ID`);
      const officerId = req.officerId ?? deps.defaultOfficerId;
      const record: CaseRecord = {
        id: caseId,
        kind: req.kind ?? this.defaultKind(),
        status: 'open',
        deviceId: deps.deviceId,
        site: deps.site,
        unit: deps.unit,
        officerIds: officerId ? [officerId] : [],
        openTrigger: { type: req.trigger, source: req.source, at: now, by: officerId },
        windowStart: now - deps.preRecordSeconds * 1000,
        markers: [],
        gaps: [],
      };
      await this.save(record, 'case.opened', {
        trigger: req.trigger,
        source: req.source,
        officerId,
        kind: record.kind,
        note: req.note,
        windowStart: record.windowStart,
        site: record.site,
        unit: record.unit,
      });
      this.active.set(caseId, record);
      deps.log.info({ caseId, trigger: req.trigger, source: req.source }, 'case opened');
      deps.bus.emit('case.opened', {
        caseId,
        at: now,
        trigger: req.trigger,
        source: req.source,
        officerId,
        windowStart: record.windowStart,
      });
      deps.bus.emit('osd.changed', {});
      await this.claimExisting(record);
      return { caseId, created: true };
    });
  }

  marker(req: MarkerRequest): Promise<{ caseId: string }> {
    return this.serial(async () => {
      const c = this.pickOpen(req.caseId);
      await this.mark(c, { at: this.deps.clock.now(), type: req.type, note: req.note, by: req.by, source: req.source });
      return { caseId: c.id };
    });
  }

  close(req: CloseRequest): Promise<{ caseId: string; windowEnd: number }> {
    return this.serial(async () => {
      const { deps } = this;
      if (req.trigger === 'record.stop' && !req.reason?.trim()) {
        throw new CasecamError('reason-required', 'stopping a recording early needs a reason');
      }
      const c = this.pickOpen(req.caseId);
      const now = deps.clock.now();
      const trigger: Trigger = { type: req.trigger, source: req.source, at: now, by: req.by, reason: req.reason, documents: req.documents };
      c.status = 'closing';
      c.closeTrigger = trigger;
      c.windowEnd = now + deps.postRecordSeconds * 1000;
      await this.save(c, 'case.closing', { trigger: trigger.type, source: trigger.source, by: trigger.by, reason: trigger.reason, documents: trigger.documents, windowEnd: c.windowEnd });
      this.channelsDone.set(c.id, new Set());
      deps.log.info({ caseId: c.id, trigger: req.trigger, windowEnd: c.windowEnd }, 'case closing');
      deps.bus.emit('osd.changed', {});
      return { caseId: c.id, windowEnd: c.windowEnd };
    });
  }

  private pickOpen(caseId: string | undefined): CaseRecord {
    const open = [...this.active.values()].filter((c) => c.status === 'open');
    if (caseId !== undefined) {
      checkCaseId(caseId);
      const c = this.active.get(caseId);
      if (!c || c.status !== 'open') throw new CasecamError('no-open-case', `case ${caseId} is not open`);
      return c;
    }
    if (open.length === 0) throw new CasecamError('no-open-case', 'no case is open');
    if (open.length > 1) throw new CasecamError('bad-request', `${open.length} cases are open; name the case`);
    return open[0]!;
  }

  private async mark(c: CaseRecord, marker: Marker): Promise<void> {
    c.markers.push(marker);
    await this.save(c, 'case.marker', { ...marker });
    this.deps.bus.emit('case.marker', { caseId: c.id, at: marker.at, type: marker.type, note: marker.note, by: marker.by });
  }

  private newCaseId(now: number): string {
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    let id = `${this.deps.deviceId}-${stamp}`;
    for (let n = 2; this.active.has(id); n++) id = `${this.deps.deviceId}-${stamp}-${n}`;
    return id;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async claimExisting(c: CaseRecord): Promise<void> {
    for (const seg of this.deps.ring.closedOverlapping(c.windowStart, c.windowEnd)) this.enqueueClaim(c, seg);
    // Sealed but not linked: a crash between the move and the index left it to recovery.
    this.onSealQueue(c, async () => void (await this.linkSealed(c, c.windowStart, c.windowEnd ?? this.deps.clock.now())));
    if (c.status === 'closing') this.onSealQueue(c, async () => this.noteDone(c, undefined));
  }

  /** File a case's claimed intervals again (after a crash): what is already filed is skipped. */
  private refile(c: CaseRecord): void {
    for (const k of c.claims ?? []) {
      this.onSealQueue(c, async () => {
        for (const seg of this.deps.ring.closedOverlapping(k.from, k.to)) await this.claim(c, seg);
        await this.linkSealed(c, k.from, k.to);
      });
    }
  }

  private async onSegmentClosed(seg: RingSegment): Promise<void> {
    await this.deps.ring.closed(seg);
    for (const c of [...this.active.values()]) {
      if (overlaps(seg, c)) this.enqueueClaim(c, seg);
    }
  }

  /** Seal and link `seg` to case `c` on the seal queue; a closing case then checks whether it is complete. */
  private enqueueClaim(c: CaseRecord, seg: RingSegment): void {
    this.onSealQueue(c, async () => {
      await this.claim(c, seg);
      if (c.status === 'closing') this.noteDone(c, seg);
    });
  }

  private onSealQueue(c: CaseRecord, job: () => Promise<void>): void {
    this.pendingClaims.set(c.id, (this.pendingClaims.get(c.id) ?? 0) + 1);
    const run = async () => {
      try {
        await job();
      } finally {
        this.pendingClaims.set(c.id, (this.pendingClaims.get(c.id) ?? 1) - 1);
      }
      if (c.status === 'closing') this.closeDue();
    };
    this.sealQueue = this.sealQueue.then(run, run).catch((err: unknown) => this.deps.log.error({ err, caseId: c.id }, 'claim failed'));
  }

  /** Seal a ring segment (or link it, when sealed already) under the case. True when it is filed. */
  private async claim(c: CaseRecord, seg: RingSegment): Promise<boolean> {
    const { deps } = this;
    const key = StoreClass.caseSegmentKey(c.id, seg.id);
    if (await deps.store.caseSegments.get(key)) return false;
    try {
      const { record, fresh } = await deps.sealer.seal(seg, { caseId: c.id });
      deps.ring.markSealed(seg.id);
      if (fresh) deps.bus.emit('segment.sealed', { segmentId: seg.id, channel: seg.channel, caseIds: record.caseIds, sha256: record.sha256, bytes: record.bytes });
      return true;
    } catch (err) {
      deps.log.error({ err, caseId: c.id, segment: seg.id }, 'cannot seal segment');
      deps.bus.emit('alarm.raised', { kind: 'storage.failure', subject: 'evidence', message: `cannot seal ${seg.id}: ${String(err)}`, at: deps.clock.now() });
      return false;
    }
  }

  /** Link segments sealed for other cases (or by recovery) that the ring no longer lists. */
  private async linkSealed(c: CaseRecord, from: number, to: number): Promise<number> {
    let linked = 0;
    for (const channel of this.deps.channels) {
      for (const rec of await this.deps.store.segmentsOverlapping(channel, from, to)) {
        if (rec.caseIds.includes(c.id)) continue;
        await this.deps.sealer.link(rec, c.id);
        linked++;
      }
    }
    return linked;
  }

  /**
   * File the footage of a past interval under a case (record-after-the-fact). A case
   * that does not exist is created, closed, with the claim as its opening and closing
   * trigger. Refused when the interval is in the future, too long, or has no footage
   * at all on the device.
   */
  async claimInterval(req: ClaimRequest): Promise<ClaimResult> {
    const { deps } = this;
    const caseId = checkCaseId(req.caseId);
    const now = deps.clock.now();
    const { from, to } = req;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new CasecamError('bad-request', 'a claim needs from < to (epoch ms)');
    if (to > now) throw new CasecamError('bad-request', 'a claim cannot reach into the future');
    if (to - from > MAX_CLAIM_MS) throw new CasecamError('bad-request', `a claim covers at most ${MAX_CLAIM_MS / 3600_000} hours`);
    // On the seal queue: what is found is sealed or linked before retention can drop it,
    // and an active case does not close while its claim is being filed.
    return this.exclusive(async () => {
      const ring = deps.ring.closedOverlapping(from, to);
      const sealed: SegmentRecord[] = [];
      for (const channel of deps.channels) sealed.push(...(await deps.store.segmentsOverlapping(channel, from, to)));
      if (ring.length === 0 && sealed.length === 0) {
        throw new CasecamError('bad-request', `no footage of ${new Date(from).toISOString()}–${new Date(to).toISOString()} is left on the device`);
      }
      const missing = uncovered(deps.channels, [...ring, ...sealed], from, to, deps.segmentSeconds * 1000);
      const claim = { from, to, at: now, source: req.source, by: req.by, reason: req.reason };
      // The case record changes on the state queue, like every other case change.
      const { c, created } = await this.serial(async () => {
        const active = this.active.get(caseId);
        const stored = active ?? (await deps.store.cases.get(caseId));
        const trigger: Trigger = { type: 'claim', source: req.source, at: now, by: req.by, reason: req.reason };
        const record: CaseRecord = stored ?? {
          id: caseId,
          kind: req.kind ?? this.defaultKind(),
          status: 'closed',
          deviceId: deps.deviceId,
          site: deps.site,
          unit: deps.unit,
          officerIds: req.by ? [req.by] : deps.defaultOfficerId ? [deps.defaultOfficerId] : [],
          openTrigger: trigger,
          closeTrigger: trigger,
          windowStart: from,
          windowEnd: to,
          markers: [],
          gaps: [],
          closedAt: now,
        };
        record.claims = [...(record.claims ?? []), claim];
        const cause = 'no footage left on the device when the interval was claimed';
        record.gaps.push(...missing.map((m): Gap => ({ ...m, cause })));
        await this.save(record, 'case.claimed', { ...claim, created: !stored, missing });
        return { c: record, created: !stored };
      });
      let segments = 0;
      for (const seg of ring) if (await this.claim(c, seg)) segments++;
      segments += await this.linkSealed(c, from, to);
      deps.log.info({ caseId, from, to, segments, missing: missing.length, created }, 'interval claimed');
      deps.bus.emit('case.claimed', { caseId, at: now, from, to, source: req.source, by: req.by, created, segments, missing });
      return { caseId, created, segments, missing };
    });
  }

  private defaultKind(): string {
    return this.deps.kind === 'counter' ? 'permit-counter' : 'roadside-investigation';
  }

  /** Write a case record together with the journal entry that says why it changed. */
  private async save(c: CaseRecord, type: string, data: Record<string, unknown>): Promise<void> {
    const { store, journal } = this.deps;
    await journal.append(type, data, { caseIds: [c.id], ops: [store.cases.putOp(c.id, c)] });
  }

  /** One journal entry per gap, naming every case it falls in, written with those cases. */
  private async onGap(gap: GapEvent): Promise<void> {
    const { store, journal, log } = this.deps;
    const hit = [...this.active.values()].filter((c) => gap.to > c.windowStart && (c.windowEnd === undefined || gap.from < c.windowEnd));
    for (const c of hit) {
      c.gaps.push({ ...gap });
      log.warn({ caseId: c.id, ...gap }, 'gap recorded in case');
    }
    await journal.append('recording.gap', { ...gap }, { caseIds: hit.map((c) => c.id), ops: hit.map((c) => store.cases.putOp(c.id, c)) });
  }

  private noteDone(c: CaseRecord, seg: RingSegment | undefined): void {
    const done = this.channelsDone.get(c.id) ?? new Set<string>();
    this.channelsDone.set(c.id, done);
    const segs = seg ? [seg] : this.deps.ring.closedOverlapping(c.windowStart);
    for (const s of segs) if (c.windowEnd !== undefined && s.end !== undefined && s.end >= c.windowEnd) done.add(s.channel);
  }

  private async lastMediaEnd(c: CaseRecord, channel: string): Promise<number> {
    let end = c.windowStart;
    for (const link of await this.deps.store.caseSegments.values(StoreClass.caseSegmentRange(c.id))) {
      if (link.channel !== channel) continue;
      const seg = await this.deps.store.segments.get(link.segmentId);
      if (seg && seg.end > end) end = seg.end;
    }
    // A gap already recorded for this channel (the outage resumed) is not repeated.
    for (const g of c.gaps) if (g.channel === channel && g.to > end) end = g.to;
    return Math.min(end, c.windowEnd ?? end);
  }

  /** Queue a check for cases ready to close; a failure is logged (and retried by the next tick). */
  private closeDue(): void {
    this.serial(() => this.finishOverdue()).catch((err: unknown) => this.deps.log.error({ err }, 'closing cases failed'));
  }

  /** Close cases whose every channel reached the window's end, or whose deadline passed. */
  private async finishOverdue(): Promise<void> {
    const { deps } = this;
    const now = deps.clock.now();
    // A channel that is down cannot deliver: after the deadline the case closes with what it has.
    const graceMs = deps.segmentSeconds * 2000 + 5000;
    for (const c of [...this.active.values()]) {
      if (c.status !== 'closing' || c.windowEnd === undefined) continue;
      if ((this.pendingClaims.get(c.id) ?? 0) > 0) continue;
      const done = this.channelsDone.get(c.id) ?? new Set();
      const complete = deps.channels.every((ch) => done.has(ch));
      if (!complete && now < c.windowEnd + graceMs) continue;
      // A channel that never reached the window's end leaves a gap up to it, with its cause.
      for (const ch of deps.channels.filter((ch) => !done.has(ch))) {
        const from = await this.lastMediaEnd(c, ch);
        const down = this.down.get(ch);
        c.gaps.push({ channel: ch, from, to: c.windowEnd, cause: down ? `media lost: ${down.cause}` : 'no media delivered by the channel' });
      }
      c.status = 'closed';
      c.closedAt = now;
      const segments = (await deps.store.caseSegments.values(StoreClass.caseSegmentRange(c.id))).length;
      await this.save(c, 'case.closed', {
        trigger: c.closeTrigger?.type ?? 'unknown',
        reason: c.closeTrigger?.reason,
        segments,
        gaps: c.gaps.length,
        complete,
      });
      this.active.delete(c.id);
      this.channelsDone.delete(c.id);
      this.pendingClaims.delete(c.id);
      deps.log.info({ caseId: c.id, segments, gaps: c.gaps.length, complete }, 'case closed');
      deps.bus.emit('case.closed', {
        caseId: c.id,
        at: now,
        trigger: c.closeTrigger?.type ?? 'unknown',
        reason: c.closeTrigger?.reason,
        segments,
        gaps: c.gaps.length,
      });
      deps.bus.emit('osd.changed', {});
    }
  }
}

function overlaps(seg: { start: number; end?: number }, c: CaseRecord): boolean {
  if (seg.end === undefined) return false;
  return seg.end > c.windowStart && (c.windowEnd === undefined || seg.start < c.windowEnd);
}

/** Per channel, the parts of [from, to) no segment covers (holes shorter than `slackMs` are ignored). */
function uncovered(
  channels: string[],
  segs: Array<{ channel: string; start: number; end?: number }>,
  from: number,
  to: number,
  slackMs: number,
): Array<{ channel: string; from: number; to: number }> {
  const out: Array<{ channel: string; from: number; to: number }> = [];
  for (const channel of channels) {
    let at = from;
    const mine = segs.filter((s) => s.channel === channel && s.end !== undefined).sort((a, b) => a.start - b.start);
    for (const s of mine) {
      if (s.start - at > slackMs) out.push({ channel, from: at, to: s.start });
      at = Math.max(at, s.end!);
    }
    if (to - at > slackMs) out.push({ channel, from: at, to });
  }
  return out;
}
