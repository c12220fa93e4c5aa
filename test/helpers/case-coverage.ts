/**
 * Asserts the invariant of src/recording/case-coverage.ts on a recorder's case: per
 * channel, its segments plus its gaps cover its window to one frame, every gap has a
 * cause, and a closed case's journaled `complete` means it has no gap. Called from
 * every recording and evidence scenario (start, restart, kill -9, dead camera, close
 * and re-open, claims).
 */
import type { ExecutionContext } from 'ava';
import type { Store } from '../../src/store/store.js';
import type { Journal } from '../../src/evidence/journal.js';
import type { Config } from '../../src/config/schema.js';
import { checkCaseCoverage, type CoverageReport } from '../../src/recording/case-coverage.js';
import { caseSegments } from '../../src/store/case-segments.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);

export async function assertCaseCoverage(
  t: ExecutionContext,
  rec: { store: Store; journal: Journal; config: Config },
  caseId: string,
): Promise<CoverageReport> {
  const c = await rec.store.cases.get(caseId);
  if (!c) throw new Error(`no case ${caseId}`);
  const channels = rec.config.channels.map((ch) => ch.id);
  const frameMs = Math.max(...rec.config.channels.map((ch) => 1000 / ch.fps));
  const report = checkCaseCoverage(c, await caseSegments(rec.store, caseId), channels, frameMs);
  const shown = report.problems.map((p) => `${p.channel} ${iso(p.from)}–${iso(p.to)} (${((p.to - p.from) / 1000).toFixed(3)} s): ${p.problem}`);
  t.deepEqual(shown, [], `case ${caseId}: every second of the window is media or an explained gap (window from ${iso(c.windowStart)}; gaps ${JSON.stringify(c.gaps)})`);
  if (c.status === 'closed') {
    const closed = (await rec.journal.forCase(caseId)).filter((e) => e.type === 'case.closed').at(-1);
    if (closed && typeof closed.data.complete === 'boolean') t.is(closed.data.complete, report.complete, `case ${caseId}: journaled complete means no gap`);
  }
  return report;
}
