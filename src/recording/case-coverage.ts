/**
 * Every second of a case accounted for. This file states the invariant and checks it;
 * `gap-causes.ts` says why a stretch without media has none.
 *
 * Invariant (per case, per channel): the case's segments plus its gaps cover its window
 * [windowStart, windowEnd) exactly, to one frame:
 *   1. no stretch longer than a frame is covered by neither a segment nor a gap;
 *   2. no gap claims a stretch longer than a frame that a segment of the case covers;
 *   3. every gap has a cause;
 *   4. a case is complete exactly when it has no gap.
 * For a case not yet closed, each channel is checked up to the end of its last media
 * filed so far (what follows is still being recorded).
 *
 * `findHoles` is what the case sessions use to add the missing gaps (at open, for the
 * stretch before the first media, and at close); `checkCaseCoverage` is the check
 * itself, run by the tests over every scenario and by `casecam case show`.
 */
import type { Store } from '../store/store.js';
import { caseSegments } from '../store/case-segments.js';
import type { CaseRecord, Gap, SegmentRecord } from '../store/records.js';

export interface Span {
  from: number;
  to: number;
}

export interface CoverageProblem {
  channel: string;
  from: number;
  to: number;
  problem: 'no media and no gap' | 'gap over media' | 'gap without a cause';
}

export interface CoverageReport {
  ok: boolean;
  /** The case has no gap: every channel has media over its whole window. */
  complete: boolean;
  problems: CoverageProblem[];
  /** Per channel: seconds of the window with media, and with gaps. */
  channels: Array<{ channel: string; mediaSeconds: number; gapSeconds: number; checkedTo: number }>;
}

/** Merge spans into a sorted list of disjoint spans. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** The parts of `window` that no span covers, longer than `toleranceMs`. */
export function uncovered(window: Span, spans: Span[], toleranceMs: number): Span[] {
  const holes: Span[] = [];
  let at = window.from;
  for (const s of mergeSpans(spans)) {
    if (s.to <= at) continue;
    if (s.from >= window.to) break;
    if (s.from - at > toleranceMs) holes.push({ from: at, to: s.from });
    at = Math.max(at, s.to);
  }
  if (window.to - at > toleranceMs) holes.push({ from: at, to: window.to });
  return holes;
}

function clip(spans: Span[], window: Span): Span[] {
  return spans.map((s) => ({ from: Math.max(s.from, window.from), to: Math.min(s.to, window.to) })).filter((s) => s.to > s.from);
}

const total = (spans: Span[]) => mergeSpans(spans).reduce((n, s) => n + (s.to - s.from), 0);

/** The window a channel is checked over: the whole window once closed, else up to its last media. */
function checkedWindow(c: CaseRecord, media: Span[]): Span | undefined {
  if (c.status === 'closed' && c.windowEnd !== undefined) return { from: c.windowStart, to: c.windowEnd };
  const lastEnd = Math.max(...media.map((s) => s.to));
  if (!Number.isFinite(lastEnd)) return undefined;
  const to = c.windowEnd !== undefined ? Math.min(c.windowEnd, lastEnd) : lastEnd;
  return to > c.windowStart ? { from: c.windowStart, to } : undefined;
}

/** Check the invariant for one case, given the segments filed under it. */
export function checkCaseCoverage(c: CaseRecord, segments: Array<Pick<SegmentRecord, 'channel' | 'start' | 'end'>>, channels: string[], frameMs: number): CoverageReport {
  const problems: CoverageProblem[] = [];
  const report: CoverageReport['channels'] = [];
  for (const g of c.gaps) if (!g.cause.trim()) problems.push({ channel: g.channel, from: g.from, to: g.to, problem: 'gap without a cause' });
  for (const channel of channels) {
    const media = segments.filter((s) => s.channel === channel).map((s) => ({ from: s.start, to: s.end }));
    const gaps = c.gaps.filter((g) => g.channel === channel);
    const window = checkedWindow(c, [...media, ...(c.status === 'closed' ? [] : gaps)]);
    if (!window) continue;
    for (const h of uncovered(window, [...media, ...gaps], frameMs)) problems.push({ channel, ...h, problem: 'no media and no gap' });
    const mediaIn = mergeSpans(clip(media, window));
    for (const g of clip(gaps, window)) {
      const overlap = total(clip(mediaIn, g));
      if (overlap > frameMs) problems.push({ channel, from: g.from, to: g.to, problem: 'gap over media' });
    }
    report.push({ channel, mediaSeconds: total(mediaIn) / 1000, gapSeconds: total(clip(gaps, window)) / 1000, checkedTo: window.to });
  }
  return { ok: problems.length === 0, complete: c.gaps.length === 0, problems, channels: report };
}

/** Explains a stretch of a channel with no media: one gap or several, each with its cause. */
export type ExplainGap = (channel: string, from: number, to: number) => Gap[];

/**
 * The stretches of a case's window (up to `until`, or its end) that neither its media
 * nor its gaps cover, explained. With `leadingOnly`, only a stretch before a channel's
 * first media (a case opened soon after the service started); a channel with no media
 * yet is left for later.
 */
export async function findHoles(
  deps: { store: Store; channels: string[]; frameMs: number; explain: ExplainGap },
  c: CaseRecord,
  opts: { leadingOnly?: boolean } = {},
): Promise<Gap[]> {
  const segments = await caseSegments(deps.store, c.id);
  const found: Gap[] = [];
  for (const channel of deps.channels) {
    const media = segments.filter((s) => s.channel === channel).map((s) => ({ from: s.start, to: s.end }));
    const gaps = c.gaps.filter((g) => g.channel === channel);
    let window: Span;
    if (opts.leadingOnly) {
      if (media.length === 0) continue;
      window = { from: c.windowStart, to: Math.min(...media.map((m) => m.from)) };
    } else {
      if (c.windowEnd === undefined) continue;
      window = { from: c.windowStart, to: c.windowEnd };
    }
    for (const h of uncovered(window, [...media, ...gaps], deps.frameMs)) found.push(...deps.explain(channel, h.from, h.to));
  }
  return found;
}
