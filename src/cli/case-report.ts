/**
 * `casecam case report ID`: the case's quality report from the evidence store, every
 * sealed file hashed again. Prints a summary (or quality.json with --json) and writes
 * report.html with --html FILE. Journaled as a look at the case, like `case show`.
 */
import { writeFile } from 'node:fs/promises';
import type { Store } from '../store/store.js';
import type { Journal } from '../evidence/journal.js';
import type { CaseRecord } from '../store/records.js';
import { gatherQualityInput } from '../quality/quality-input.js';
import { computeQuality } from '../quality/quality-report.js';
import { fmt, renderQualityHtml } from '../quality/quality-html.js';
import type { QualityReport } from '../quality/quality-schema.js';

export async function caseReport(o: { store: Store; journal: Journal; evidenceDir: string; c: CaseRecord; operator: string; json?: boolean; html?: string }): Promise<QualityReport> {
  await o.journal.append('case.viewed', { operator: o.operator, via: 'cli', what: 'quality report' }, { caseIds: [o.c.id] });
  const report = computeQuality(await gatherQualityInput(o.c, { store: o.store, journal: o.journal, evidenceDir: o.evidenceDir, caseId: o.c.id, now: Date.now() }));
  if (o.html) await writeFile(o.html, renderQualityHtml(report));
  if (o.json) console.log(JSON.stringify(report, null, 2));
  else console.log(summary(report));
  return report;
}

export function summary(r: QualityReport): string {
  const lines = [
    `case ${r.caseId} (${r.status}): score ${fmt(r.score.value)} / 100, ${r.score.grade}`,
    `window ${r.window.from} – ${r.window.to} (${fmt(r.window.seconds)} s), markers ${r.markers.length}`,
    ...r.channels.map(
      (ch) => `  ${ch.id}: coverage ${fmt(ch.coveragePercent)} %, ${ch.gaps.length} gaps, pre-record ${fmt(ch.preRecordPercent)} %, post-record ${fmt(ch.postRecordPercent)} %, watermark ${ch.watermark ?? 'unknown'}`,
    ),
    ...r.channels.flatMap((ch) => ch.gaps.map((g) => `  gap ${ch.id} ${g.from} (${fmt(g.seconds)} s): ${g.cause}`)),
    ...r.alarms.map((a) => `  alarm ${a.kind} ${a.subject} ${a.from} (${fmt(a.seconds)} s${a.open ? ', still raised' : ''})`),
    `gps: ${r.gps.fixes} fixes, coverage ${fmt(r.gps.coveragePercent)} %; offload: ${r.offload.state}`,
    `integrity: ${r.integrity.segmentsChecked} segments hashed, ${r.integrity.hashMismatches.length} mismatches, ${r.integrity.journalBroken.length} broken journal entries`,
    ...r.score.deductions.map((d) => `  −${fmt(d.points)} ${d.rule}`),
  ];
  return lines.join('\n');
}
