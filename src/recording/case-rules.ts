/**
 * The case rules: pure functions of (state, command, time) → decision. No I/O, no clock,
 * no queue: the caller reads what a rule needs from the store, passes it in, and carries
 * out the decision (src/recording/case-book.ts writes it; tests run the rules alone).
 *
 * State is the cases still recording (open or closing), by ID. A decision holds the case
 * records to write (new objects; a rule never changes the records it is given), the one
 * journal entry that says why they change, the bus events to emit after the write, and
 * the caller's answer. Bad input is refused by throwing a `CasecamError`, before anything
 * is decided.
 *
 * The rules:
 * - Opening: a new case's window starts `preRecordSeconds` before the trigger. A second
 *   opening trigger for an open case is a marker, never a second case; for a closing
 *   case, or for a case already recorded and closed, it is refused.
 * - Closing: `record.stop` needs a reason. The case becomes `closing`, its window ends
 *   `postRecordSeconds` after the trigger.
 * - A closing case becomes `closed` when none of its claims is still being sealed and
 *   every channel has delivered media past the window's end, or when the grace time after
 *   the window's end has passed (a dead channel): each channel short of the end leaves
 *   a gap up to it, with its cause.
 * - A gap is recorded in every case whose window it touches, with one journal entry.
 * - A claim after the fact adds the interval (and its parts without footage, as gaps) to
 *   the case, creating it closed when it does not exist.
 */
import type { JournalEntryType } from '../evidence/journal-entries.js';
import { checkCaseId } from '../core/case-id.js';
import { CasecamError } from '../core/errors.js';
import type { BusEvents, GapEvent } from '../core/events.js';
import type { CaseRecord, Gap, Marker, Trigger } from '../store/records.js';
import { MAX_CLAIM_MS, type ClaimRequest, type CloseRequest, type MarkerRequest, type MissingFootage, type OpenRequest } from './case-requests.js';

export interface CaseRulesConfig {
  deviceId: string;
  /** Device kind (`counter` or a vehicle kind): the default case kind follows from it. */
  kind: string;
  site?: string;
  unit?: string;
  defaultOfficerId?: string;
  channels: string[];
  preRecordSeconds: number;
  postRecordSeconds: number;
  segmentSeconds: number;
}

/** The cases still recording (open or closing), by ID. */
export type ActiveCases = ReadonlyMap<string, CaseRecord>;

/** One bus event, as data. */
export type BusMessage = { [K in keyof BusEvents]: { name: K; payload: BusEvents[K] } }[keyof BusEvents];

export interface CaseDecision<R> {
  /** Case records to write, each replacing the stored one, in one batch with `entry`. */
  records: CaseRecord[];
  /** The journal entry that says why (written even when no record changes: a gap outside every case). */
  entry: { type: JournalEntryType; data: Record<string, unknown>; caseIds: string[] };
  /** Emitted, in order, once the batch is written. */
  events: BusMessage[];
  /** Logged once the batch is written. */
  logs: Array<{ level: 'info' | 'warn'; msg: string; fields: Record<string, unknown> }>;
  /** The caller's answer. */
  result: R;
}

export class CaseRules {
  constructor(readonly config: CaseRulesConfig) {}

  /** Grace after a closing case's window end before it closes without a channel that never delivered. */
  get graceMs(): number {
    return this.config.segmentSeconds * 2000 + 5000;
  }

  defaultKind(): string {
    return this.config.kind === 'counter' ? 'permit-counter' : 'roadside-investigation';
  }

  /** The case an opening trigger names, or a new ID from the device and the time (unique among active cases). */
  openingCaseId(active: ActiveCases, req: OpenRequest, now: number): string {
    if (req.caseId !== undefined) return checkCaseId(req.caseId);
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    let id = `${this.config.deviceId}-${stamp}`;
    for (let n = 2; active.has(id); n++) id = `${this.config.deviceId}-${stamp}-${n}`;
    return id;
  }

  /** An opening trigger. `stored`: the record the store holds under the case's ID when it is not active. */
  open(active: ActiveCases, cmd: { request: OpenRequest; stored?: CaseRecord }, now: number): CaseDecision<{ caseId: string; created: boolean }> {
    const { request: req } = cmd;
    const caseId = this.openingCaseId(active, req, now);
    const existing = active.get(caseId);
    if (existing) {
      if (existing.status !== 'open') throw new CasecamError('bad-request', `case ${caseId} is closing; wait until it is closed`);
      const marker: Marker = { at: now, type: req.trigger, note: req.note ?? 'repeated opening trigger', by: req.officerId, source: req.source };
      return { ...this.markerDecision(existing, marker), result: { caseId, created: false } };
    }
    if (cmd.stored) throw new CasecamError('bad-request', `case ${caseId} was already recorded and closed; use a new case ID`);
    const { config } = this;
    const officerId = req.officerId ?? config.defaultOfficerId;
    const record: CaseRecord = {
      id: caseId,
      kind: req.kind ?? this.defaultKind(),
      status: 'open',
      deviceId: config.deviceId,
      site: config.site,
      unit: config.unit,
      officerIds: officerId ? [officerId] : [],
      openTrigger: { type: req.trigger, source: req.source, at: now, by: officerId },
      windowStart: now - config.preRecordSeconds * 1000,
      markers: [],
      gaps: [],
    };
    const data = { trigger: req.trigger, source: req.source, officerId, kind: record.kind, note: req.note, windowStart: record.windowStart, site: record.site, unit: record.unit };
    return {
      records: [record],
      entry: { type: 'case.opened', data, caseIds: [caseId] },
      events: [
        { name: 'case.opened', payload: { caseId, at: now, trigger: req.trigger, source: req.source, officerId, windowStart: record.windowStart } },
        { name: 'osd.changed', payload: {} },
      ],
      logs: [{ level: 'info', msg: 'case opened', fields: { caseId, trigger: req.trigger, source: req.source } }],
      result: { caseId, created: true },
    };
  }

  marker(active: ActiveCases, req: MarkerRequest, now: number): CaseDecision<{ caseId: string }> {
    const c = pickOpen(active, req.caseId);
    return { ...this.markerDecision(c, { at: now, type: req.type, note: req.note, by: req.by, source: req.source }), result: { caseId: c.id } };
  }

  /** `documents.served` or `record.stop` (which needs a reason): the case is closing. */
  close(active: ActiveCases, req: CloseRequest, now: number): CaseDecision<{ caseId: string; windowEnd: number }> {
    if (req.trigger === 'record.stop' && !req.reason?.trim()) {
      throw new CasecamError('reason-required', 'stopping a recording early needs a reason');
    }
    const c = pickOpen(active, req.caseId);
    const trigger: Trigger = { type: req.trigger, source: req.source, at: now, by: req.by, reason: req.reason, documents: req.documents };
    const windowEnd = now + this.config.postRecordSeconds * 1000;
    const record: CaseRecord = { ...c, status: 'closing', closeTrigger: trigger, windowEnd };
    return {
      records: [record],
      entry: {
        type: 'case.closing',
        data: { trigger: trigger.type, source: trigger.source, by: trigger.by, reason: trigger.reason, documents: trigger.documents, windowEnd },
        caseIds: [c.id],
      },
      events: [{ name: 'osd.changed', payload: {} }],
      logs: [{ level: 'info', msg: 'case closing', fields: { caseId: c.id, trigger: req.trigger, windowEnd } }],
      result: { caseId: c.id, windowEnd },
    };
  }

  /** A time without media on a channel: recorded in every active case whose window it touches. */
  gap(active: ActiveCases, gap: GapEvent): CaseDecision<undefined> {
    const hit = [...active.values()].filter((c) => gap.to > c.windowStart && (c.windowEnd === undefined || gap.from < c.windowEnd));
    const records = hit.map((c): CaseRecord => ({ ...c, gaps: [...c.gaps, { ...gap }] }));
    return {
      records,
      entry: { type: 'recording.gap', data: { ...gap }, caseIds: hit.map((c) => c.id) },
      events: [],
      logs: hit.map((c) => ({ level: 'warn' as const, msg: 'gap recorded in case', fields: { caseId: c.id, ...gap } })),
      result: undefined,
    };
  }

  /** Refuse a claim that is not a usable past interval (before anything is looked up). Returns the case ID. */
  checkClaim(req: ClaimRequest, now: number): string {
    const caseId = checkCaseId(req.caseId);
    const { from, to } = req;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new CasecamError('bad-request', 'a claim needs from < to (epoch ms)');
    if (to > now) throw new CasecamError('bad-request', 'a claim cannot reach into the future');
    if (to - from > MAX_CLAIM_MS) throw new CasecamError('bad-request', `a claim covers at most ${MAX_CLAIM_MS / 3600_000} hours`);
    return caseId;
  }

  /**
   * A past interval filed under a case. `current`: the case as it is (active, or stored and
   * closed); absent, the claim creates the case, closed, with the claim as both triggers.
   * `missing`: the parts with no footage left, recorded as gaps.
   */
  claim(cmd: { request: ClaimRequest; current?: CaseRecord; missing: MissingFootage[] }, now: number): CaseDecision<{ record: CaseRecord; created: boolean }> {
    const { request: req, current, missing } = cmd;
    const caseId = checkCaseId(req.caseId);
    const { config } = this;
    const trigger: Trigger = { type: 'claim', source: req.source, at: now, by: req.by, reason: req.reason };
    const base: CaseRecord = current ?? {
      id: caseId,
      kind: req.kind ?? this.defaultKind(),
      status: 'closed',
      deviceId: config.deviceId,
      site: config.site,
      unit: config.unit,
      officerIds: req.by ? [req.by] : config.defaultOfficerId ? [config.defaultOfficerId] : [],
      openTrigger: trigger,
      closeTrigger: trigger,
      windowStart: req.from,
      windowEnd: req.to,
      markers: [],
      gaps: [],
      closedAt: now,
    };
    const claim = { from: req.from, to: req.to, at: now, source: req.source, by: req.by, reason: req.reason };
    const cause = 'no footage left on the device when the interval was claimed';
    const record: CaseRecord = { ...base, claims: [...(base.claims ?? []), claim], gaps: [...base.gaps, ...missing.map((m): Gap => ({ ...m, cause }))] };
    return {
      records: [record],
      entry: { type: 'case.claimed', data: { ...claim, created: !current, missing }, caseIds: [caseId] },
      events: [],
      logs: [],
      result: { record, created: !current },
    };
  }

  /** Whether a channel is past a closing case's window end with this segment. */
  reachesWindowEnd(c: CaseRecord, seg: { end?: number }): boolean {
    return c.windowEnd !== undefined && seg.end !== undefined && seg.end >= c.windowEnd;
  }

  /**
   * Whether a closing case is due to close now: none of its claims pending (`pending`), and
   * every channel `done` (past the window's end) or the grace time passed. `undefined`: not yet.
   */
  closingDue(c: CaseRecord, state: { done: ReadonlySet<string>; pending: number }, now: number): { complete: boolean } | undefined {
    if (c.status !== 'closing' || c.windowEnd === undefined || state.pending > 0) return undefined;
    const complete = this.config.channels.every((ch) => state.done.has(ch));
    if (!complete && now < c.windowEnd + this.graceMs) return undefined;
    return { complete };
  }

  /**
   * Close a closing case. `mediaEnd`: per channel, the end of the last segment filed under
   * the case; `lost`: channels whose media is lost now, with the cause; `segments`: how many
   * segments the case holds; `holes`: stretches no media and no gap covers, explained
   * (case-coverage.ts, found on the record this decision would write without them).
   */
  finish(
    c: CaseRecord,
    cmd: { done: ReadonlySet<string>; mediaEnd: Readonly<Record<string, number>>; lost: ReadonlyMap<string, string>; segments: number; holes?: CaseRecord['gaps'] },
    now: number,
  ): CaseDecision<{ caseId: string }> {
    const windowEnd = c.windowEnd ?? now;
    const gaps = [...c.gaps];
    // A channel that never reached the window's end leaves a gap up to it, with its cause.
    for (const channel of this.config.channels.filter((ch) => !cmd.done.has(ch))) {
      let from = Math.max(c.windowStart, cmd.mediaEnd[channel] ?? c.windowStart);
      // A gap already recorded for this channel (the outage resumed) is not repeated.
      for (const g of c.gaps) if (g.channel === channel && g.to > from) from = g.to;
      const lost = cmd.lost.get(channel);
      gaps.push({ channel, from: Math.min(from, windowEnd), to: windowEnd, cause: lost !== undefined ? `media lost: ${lost}` : 'no media delivered by the channel' });
    }
    gaps.push(...(cmd.holes ?? []));
    // Complete means every channel has media over the whole window: no gap at all.
    const complete = gaps.length === 0;
    const record: CaseRecord = { ...c, gaps, status: 'closed', closedAt: now };
    const trigger = c.closeTrigger?.type ?? 'unknown';
    const reason = c.closeTrigger?.reason;
    return {
      records: [record],
      entry: { type: 'case.closed', data: { trigger, reason, segments: cmd.segments, gaps: gaps.length, complete }, caseIds: [c.id] },
      events: [
        { name: 'case.closed', payload: { caseId: c.id, at: now, trigger, reason, segments: cmd.segments, gaps: gaps.length } },
        { name: 'osd.changed', payload: {} },
      ],
      logs: [{ level: 'info', msg: 'case closed', fields: { caseId: c.id, segments: cmd.segments, gaps: gaps.length, complete } }],
      result: { caseId: c.id },
    };
  }

  private markerDecision(c: CaseRecord, marker: Marker): Omit<CaseDecision<never>, 'result'> {
    return {
      records: [{ ...c, markers: [...c.markers, marker] }],
      entry: { type: 'case.marker', data: { ...marker }, caseIds: [c.id] },
      events: [{ name: 'case.marker', payload: { caseId: c.id, at: marker.at, type: marker.type, note: marker.note, by: marker.by } }],
      logs: [],
    };
  }
}

/** The open case a command names, or the only open one. */
function pickOpen(active: ActiveCases, caseId: string | undefined): CaseRecord {
  if (caseId !== undefined) {
    caseId = checkCaseId(caseId);
    const c = active.get(caseId);
    if (!c || c.status !== 'open') throw new CasecamError('no-open-case', `case ${caseId} is not open`);
    return c;
  }
  const open = [...active.values()].filter((c) => c.status === 'open');
  if (open.length === 0) throw new CasecamError('no-open-case', 'no case is open');
  if (open.length > 1) throw new CasecamError('bad-request', `${open.length} cases are open; name the case`);
  return open[0]!;
}
