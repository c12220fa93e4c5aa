/**
 * Claims after the fact: the footage of a past interval filed under a case. Ring and
 * background footage is sealed, already sealed footage is linked; the parts with nothing
 * left become gaps. After an unclean stop every claimed interval is filed again at start
 * (`refile`), so a claim journaled just before a crash is not lost.
 *
 * Invariant: a claim runs on the seal queue, so what it finds is sealed or linked before
 * retention can drop it, and an active case does not close while its claim is being
 * filed; the case record itself changes on the state queue, like every other case change.
 */
import type { CaseParts } from './case-parts.js';
import { CasecamError } from '../core/errors.js';
import type { CaseRecord, SegmentRecord } from '../store/records.js';
import type { ClaimRequest, ClaimResult, MissingFootage } from './case-requests.js';

export interface ClaimFilingDeps extends CaseParts {
  /** Holes in a claimed interval longer than this (one frame) are gaps: every second is accounted for. */
  frameMs: number;
}

export class ClaimFiling {
  constructor(private readonly deps: ClaimFilingDeps) {}

  /**
   * File a past interval under a case (record-after-the-fact). A case that does not exist
   * is created, closed, with the claim as its opening and closing trigger. Refused when
   * the interval is in the future, too long, or has no footage at all on the device.
   */
  async claimInterval(req: ClaimRequest): Promise<ClaimResult> {
    const { book, rules, seals, store, ring, bus, clock, log } = this.deps;
    const now = clock.now();
    const caseId = rules.checkClaim(req, now);
    const { from, to } = req;
    const { channels } = rules.config;
    return seals.exclusive(async () => {
      const inRing = ring.closedOverlapping(from, to);
      const sealed: SegmentRecord[] = [];
      for (const channel of channels) sealed.push(...(await store.segmentsOverlapping(channel, from, to)));
      if (inRing.length === 0 && sealed.length === 0) {
        throw new CasecamError('bad-request', `no footage of ${new Date(from).toISOString()}–${new Date(to).toISOString()} is left on the device`);
      }
      // Holes longer than a frame are gaps (case-coverage.ts): every second of a claim is accounted for too.
      const missing = uncovered(channels, [...inRing, ...sealed], from, to, this.deps.frameMs);
      const { record, created } = await book.queue.run(async () => {
        const current = book.get(caseId) ?? (await store.cases.get(caseId));
        return book.apply(rules.claim({ request: req, current, missing }, now));
      });
      let segments = 0;
      for (const seg of inRing) if (await seals.file(record.id, seg)) segments++;
      segments += await seals.linkSealed(record.id, from, to);
      log.info({ caseId, from, to, segments, missing: missing.length, created }, 'interval claimed');
      bus.emit('case.claimed', { caseId, at: now, from, to, source: req.source, by: req.by, created, segments, missing });
      return { caseId, created, segments, missing };
    });
  }

  /** File a case's claimed intervals again (after a crash): what is already filed is skipped. */
  refile(c: CaseRecord): void {
    const { seals, ring } = this.deps;
    for (const k of c.claims ?? []) {
      seals.enqueue(c.id, async () => {
        for (const seg of ring.closedOverlapping(k.from, k.to)) await seals.file(c.id, seg);
        await seals.linkSealed(c.id, k.from, k.to);
      });
    }
  }
}

/** Per channel, the parts of [from, to) no segment covers (holes shorter than `slackMs` are ignored). */
export function uncovered(channels: string[], segs: Array<{ channel: string; start: number; end?: number }>, from: number, to: number, slackMs: number): MissingFootage[] {
  const out: MissingFootage[] = [];
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
