/**
 * The quality score, 0–100, with its rules (docs/quality.md keeps the same table).
 * Every deduction is listed in the report with its rule, so a score is never a mystery.
 */
import type { QualityReport } from './quality-schema.js';

type Unscored = Omit<QualityReport, 'score'>;

// video.lost is not here: the time it costs is already missing from the coverage.
const MEDIA_ALARMS = new Set(['camera.blocked', 'camera.frozen', 'camera.dark', 'audio.silent', 'audio.clipping']);

export function scoreReport(r: Unscored): QualityReport['score'] {
  const deductions: Array<{ rule: string; points: number }> = [];
  const take = (rule: string, points: number) => {
    const p = Math.round(points * 10) / 10;
    if (p > 0) deductions.push({ rule, points: p });
  };
  if (r.integrity.hashMismatches.length || r.integrity.journalBroken.length) {
    take('integrity: a hash or the journal does not check', 100);
  }
  for (const ch of r.channels) {
    take(`coverage ${ch.id}: 1 point per % not recorded`, 100 - ch.coveragePercent);
    if (ch.preRecordPercent !== null && ch.preRecordPercent < 90) take(`pre-record ${ch.id}: under 90 % present`, 10);
    if (ch.postRecordPercent !== null && ch.postRecordPercent < 90) take(`post-record ${ch.id}: under 90 % present`, 5);
    if (ch.watermark === false) take(`watermark ${ch.id}: none burnt in`, 10);
  }
  const windowS = Math.max(1, r.window.seconds);
  for (const kind of MEDIA_ALARMS) {
    const s = r.alarms.filter((a) => a.kind === kind).reduce((sum, a) => sum + a.seconds, 0);
    // Up to 20 points per kind, in proportion to the share of the window it lasted.
    take(`alarm ${kind}: up to 20 points by share of the window`, Math.min(20, (20 * s) / windowS));
  }
  if (r.triggers.some((t) => t.type === 'record.stop')) take('stopped early (record.stop, with its reason)', 5);
  const value = Math.max(0, Math.round((100 - deductions.reduce((s, d) => s + d.points, 0)) * 10) / 10);
  return { value, grade: value >= 95 ? 'good' : value >= 80 ? 'acceptable' : 'poor', deductions };
}
