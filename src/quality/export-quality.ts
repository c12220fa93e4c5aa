/**
 * The quality report an export puts into the bundle. The export has just copied and
 * hashed every sealed file (a mismatch stops it), so those figures are taken as given;
 * the journal entries are recomputed here.
 */
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { Journal } from '../evidence/journal.js';
import type { CaseRecord, SegmentRecord } from '../store/records.js';
import type { JournalEntry } from '../store/journal-record.js';
import { gatherQualityInput, journalProblems } from './quality-input.js';
import { computeQuality } from './quality-report.js';
import { writeQualityFiles, type ReportFile } from './bundle-reports.js';

export async function caseQualityReport(o: {
  store: Store;
  journal: Journal;
  evidenceDir: string;
  clock: Clock;
  c: CaseRecord;
  rows: SegmentRecord[];
  entries: JournalEntry[];
  segmentsChecked: number;
  dir: string;
}): Promise<ReportFile[]> {
  const input = await gatherQualityInput(o.c, {
    store: o.store,
    journal: o.journal,
    evidenceDir: o.evidenceDir,
    caseId: o.c.id,
    now: o.clock.now(),
    rows: o.rows,
    integrity: {
      segmentsChecked: o.segmentsChecked,
      hashMismatches: [],
      journalEntries: o.entries.length,
      journalBroken: journalProblems(o.entries),
      signature: 'manifest.json and SHA256SUMS are signed with the device key at export; check the bundle with casecam verify',
    },
  });
  return writeQualityFiles(o.dir, computeQuality({ ...input, journal: o.entries }));
}
