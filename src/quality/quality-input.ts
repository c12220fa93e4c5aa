/**
 * Gathers a case's quality inputs from the evidence store: the case record, its
 * segments (sealed and evicted), its journal entries, the GPS track of its window,
 * and the integrity checks: every sealed file hashed again against its row, every
 * journal entry of the case recomputed to its hash.
 */
import path from 'node:path';
import type { Store } from '../store/store.js';
import type { Journal } from '../evidence/journal.js';
import type { CaseRecord, SegmentRecord } from '../store/records.js';
import { entryHash } from '../evidence/journal-hash.js';
import { sha256File } from '../core/durable-files.js';
import { caseSegments } from '../store/case-segments.js';
import { GpsTrack } from '../hw/gps-track.js';
import type { JournalEntry } from '../store/journal-record.js';
import type { QualityInput } from './quality-report.js';
import type { QualityReport } from './quality-schema.js';

export interface GatherOptions {
  store: Store;
  journal: Journal;
  evidenceDir: string;
  caseId: string;
  now: number;
  /** The integrity figures when the caller has already hashed the files (an export does). */
  integrity?: QualityReport['integrity'];
  /** Segment rows when the caller already read them. */
  rows?: SegmentRecord[];
}

export async function gatherQualityInput(c: CaseRecord, opts: GatherOptions): Promise<QualityInput> {
  const rows = opts.rows ?? (await caseSegments(opts.store, c.id));
  const journal = await opts.journal.forCase(c.id);
  const windowOpen = c.windowEnd === undefined;
  const windowEnd = c.windowEnd ?? opts.now;
  const track = await GpsTrack.window(opts.store, c.windowStart, windowEnd);
  return {
    caseId: c.id,
    deviceId: c.deviceId,
    status: c.status,
    kind: c.kind,
    windowStart: c.windowStart,
    windowEnd,
    windowOpen,
    openTrigger: c.openTrigger,
    closeTrigger: c.closeTrigger,
    markers: c.markers,
    gaps: c.gaps,
    segments: rows,
    journal,
    gpsFixTimes: track.map((f) => f.at),
    integrity: opts.integrity ?? (await checkIntegrity(rows, journal, opts.evidenceDir)),
    madeAt: opts.now,
  };
}

async function checkIntegrity(rows: SegmentRecord[], journal: JournalEntry[], evidenceDir: string): Promise<QualityReport['integrity']> {
  const hashMismatches: string[] = [];
  let checked = 0;
  for (const seg of rows.filter((r) => r.evictedAt === undefined)) {
    checked++;
    try {
      const actual = await sha256File(path.join(evidenceDir, seg.file));
      if (actual.sha256 !== seg.sha256 || actual.bytes !== seg.bytes) hashMismatches.push(`${seg.id}: content differs from its sealed hash`);
    } catch {
      hashMismatches.push(`${seg.id}: evidence file missing`);
    }
  }
  return {
    segmentsChecked: checked,
    hashMismatches,
    journalEntries: journal.length,
    journalBroken: journalProblems(journal),
    signature: 'no bundle signature: report made from the evidence store (export the case to sign it)',
  };
}

/** Entries that do not recompute to their hash (the chain itself is checked by `casecam journal verify`). */
export function journalProblems(journal: JournalEntry[]): string[] {
  return journal.filter((e) => entryHash(e as unknown as Record<string, unknown>) !== e.hash).map((e) => `journal entry ${e.seq} (${e.type}) does not recompute to its hash`);
}
