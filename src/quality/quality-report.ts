/**
 * Computes a case's quality report from plain inputs (quality-input.ts gathers them
 * from the store or an export). Pure: the same inputs give the same report, so the
 * figures in a bundle's quality.json can be recomputed from its manifest and journal.
 */
import type { JournalEntry } from '../store/journal-record.js';
import { holes, total, union, type Interval } from './intervals.js';
import { QUALITY_FORMAT, QualityReportSchema, type QualityReport } from './quality-schema.js';
import { scoreReport } from './quality-score.js';

export interface QualityInput {
  caseId: string;
  deviceId: string;
  status: string;
  kind: string;
  windowStart: number;
  /** The window's end; for a case still open, the time of the report. */
  windowEnd: number;
  windowOpen: boolean;
  openTrigger: { at: number; type: string };
  closeTrigger?: { at: number; type: string; reason?: string };
  markers: Array<{ at: number; type: string }>;
  gaps: Array<{ channel: string; from: number; to: number; cause: string }>;
  segments: Array<{ id: string; channel: string; start: number; end: number; partial?: boolean; offloadedAt?: number; evictedAt?: number }>;
  /** The case's journal entries (case.alarm and case.quality.context are read). */
  journal: JournalEntry[];
  gpsFixTimes: number[];
  integrity: QualityReport['integrity'];
  madeAt: number;
}

/** Holes between segments shorter than this are encoder cut jitter, not gaps. */
const JITTER_MS = 500;

const iso = (ms: number) => new Date(ms).toISOString();
const secs = (ms: number) => Math.round(ms) / 1000;
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 100);
const span = (i: Interval) => ({ from: iso(i.from), to: iso(i.to), seconds: secs(i.to - i.from) });

interface Context {
  channels: Array<{ id: string; watermark: boolean }>;
}

function context(journal: JournalEntry[]): Context | undefined {
  const e = [...journal].reverse().find((x) => x.type === 'case.quality.context');
  const channels = e?.data.channels;
  return Array.isArray(channels) ? { channels: channels as Context['channels'] } : undefined;
}

/** Alarm intervals from `case.alarm` entries: raised → cleared, or still open at the window's end. */
export function alarmIntervals(journal: JournalEntry[], lo: number, hi: number): QualityReport['alarms'] {
  const open = new Map<string, { kind: string; subject: string; message: string; at: number }>();
  const out: QualityReport['alarms'] = [];
  const push = (a: { kind: string; subject: string; message: string; at: number }, to: number, isOpen: boolean) => {
    const [i] = union([{ from: a.at, to }], lo, hi);
    if (i) out.push({ ...span(i), kind: a.kind, subject: a.subject, message: a.message, open: isOpen });
  };
  for (const e of journal) {
    if (e.type !== 'case.alarm') continue;
    const d = e.data as { state?: string; kind?: string; subject?: string; message?: string; at?: number };
    if (typeof d.kind !== 'string' || typeof d.subject !== 'string' || typeof d.at !== 'number') continue;
    const key = `${d.kind}\u0000${d.subject}`;
    if (d.state === 'raised' && !open.has(key)) open.set(key, { kind: d.kind, subject: d.subject, message: String(d.message ?? ''), at: d.at });
    else if (d.state === 'cleared' && open.has(key)) {
      push(open.get(key)!, d.at, false);
      open.delete(key);
    }
  }
  for (const a of open.values()) push(a, hi, true);
  return out.sort((a, b) => a.from.localeCompare(b.from));
}

export function computeQuality(input: QualityInput): QualityReport {
  const lo = input.windowStart;
  const hi = Math.max(lo, input.windowEnd);
  const ctx = context(input.journal);
  const ids = new Set<string>([...(ctx?.channels.map((c) => c.id) ?? []), ...input.segments.map((s) => s.channel), ...input.gaps.map((g) => g.channel)]);
  const openAt = input.openTrigger.at;
  const closeAt = input.closeTrigger?.at;
  const channels = [...ids].sort().map((id) => {
    const segs = input.segments.filter((s) => s.channel === id);
    const media = union(segs.map((s) => ({ from: s.start, to: s.end })), lo, hi);
    const known = input.gaps.filter((g) => g.channel === id);
    const gaps = known.flatMap((g) => union([g], lo, hi).map((i) => ({ ...span(i), cause: g.cause })));
    // Time with neither media nor an explained gap is a gap too: say so rather than hide it.
    for (const h of holes([...media, ...known], lo, hi)) {
      if (h.to - h.from >= JITTER_MS) gaps.push({ ...span(h), cause: 'unexplained: no media and no recorded cause' });
    }
    gaps.sort((a, b) => a.from.localeCompare(b.from));
    const within = (a: number, b: number) => (b > a ? pct(total(union(media, a, b)), b - a) : null);
    const mediaMs = total(media);
    return {
      id,
      coveragePercent: pct(mediaMs, hi - lo),
      recordedSeconds: secs(mediaMs),
      segments: segs.length,
      partialSegments: segs.filter((s) => s.partial).length,
      preRecordPercent: within(lo, Math.min(openAt, hi)),
      postRecordPercent: closeAt !== undefined && !input.windowOpen ? within(closeAt, hi) : null,
      watermark: ctx ? (ctx.channels.find((c) => c.id === id)?.watermark ?? null) : null,
      gaps,
    };
  });

  const fixSeconds = new Set(input.gpsFixTimes.filter((t) => t >= lo && t < hi).map((t) => Math.floor(t / 1000)));
  const windowSeconds = Math.max(1, Math.ceil((hi - lo) / 1000));
  const segCount = input.segments.length;
  const offloaded = input.segments.filter((s) => s.offloadedAt !== undefined).length;
  const report: Omit<QualityReport, 'score'> = {
    format: QUALITY_FORMAT,
    caseId: input.caseId,
    deviceId: input.deviceId,
    status: input.status,
    madeAt: iso(input.madeAt),
    window: { from: iso(lo), to: iso(hi), seconds: secs(hi - lo), open: input.windowOpen },
    durationSeconds: secs((closeAt ?? input.madeAt) - openAt),
    triggers: [
      { at: iso(openAt), type: input.openTrigger.type, role: 'open' as const },
      ...(input.closeTrigger ? [{ at: iso(input.closeTrigger.at), type: input.closeTrigger.type, role: 'close' as const, reason: input.closeTrigger.reason }] : []),
    ],
    channels,
    alarms: alarmIntervals(input.journal, lo, hi),
    markers: input.markers.map((m) => ({ at: iso(m.at), type: m.type })),
    gps: {
      fixes: input.gpsFixTimes.length,
      // No fix at all (a counter box has no GPS): null, not 0 %.
      coveragePercent: input.gpsFixTimes.length === 0 ? null : Math.min(100, pct(fixSeconds.size, windowSeconds)),
    },
    integrity: input.integrity,
    offload: { state: offloaded === 0 ? 'none' : offloaded === segCount ? 'all' : 'partial', offloaded, evicted: input.segments.filter((s) => s.evictedAt !== undefined).length, of: segCount },
  };
  return QualityReportSchema.parse({ ...report, score: scoreReport(report) });
}
