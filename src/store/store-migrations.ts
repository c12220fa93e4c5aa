/**
 * Schema migrations, one step per version. Opening a store whose `meta.schemaVersion`
 * is older runs every later step in order; each step is idempotent (a crash halfway
 * re-runs it on the next open) and bumps the version only when it has finished.
 *
 *   1 → 2  segments name the cases that claim them (`caseIds`, from caseSegments);
 *          the journal gains its per-case index and its head anchor.
 */
import type { Logger } from '../core/logger.js';
import { CaseSegmentSchema, MetaSchema, SegmentRecordSchema, type Meta } from './records.js';
import { CaseJournalSchema, JournalEntrySchema, JournalHeadSchema } from './journal-record.js';
import type { BatchOp, Table } from './table.js';

/** What a migration step may touch: the Store, seen from here (store.ts imports this file). */
export interface MigratingStore {
  meta: Table<typeof MetaSchema>;
  segments: Table<typeof SegmentRecordSchema>;
  caseSegments: Table<typeof CaseSegmentSchema>;
  journal: Table<typeof JournalEntrySchema>;
  journalHead: Table<typeof JournalHeadSchema>;
  caseJournal: Table<typeof CaseJournalSchema>;
  batch(ops: BatchOp[]): Promise<void>;
  getMeta(): Promise<Meta>;
}

interface Step {
  from: number;
  to: number;
  what: string;
  run(store: MigratingStore, log: Logger): Promise<void>;
}

const BATCH = 500;

const SegmentV1Schema = SegmentRecordSchema.omit({ caseIds: true, offloadedAt: true, offloadTarget: true, evictedAt: true });

const steps: Step[] = [
  {
    from: 1,
    to: 2,
    what: 'segments name their cases; journal case index and head anchor',
    async run(store, log) {
      const casesOf = new Map<string, string[]>();
      for (const link of await store.caseSegments.values()) {
        casesOf.set(link.segmentId, [...(casesOf.get(link.segmentId) ?? []), link.caseId]);
      }
      let ops: BatchOp[] = [];
      const flush = async () => {
        if (ops.length) await store.batch(ops);
        ops = [];
      };
      for await (const [key, raw] of store.segments.sub.iterator()) {
        const parsed = SegmentV1Schema.safeParse(JSON.parse(raw));
        if (!parsed.success) {
          log.error({ key }, 'migration: segment row fails the v1 schema; left as it is');
          continue;
        }
        ops.push(store.segments.putOp(key, { ...parsed.data, caseIds: casesOf.get(key) ?? [] }));
        if (ops.length >= BATCH) await flush();
      }
      let last: { seq: number; hash: string; at: number } | undefined;
      for await (const [key, raw] of store.journal.sub.iterator()) {
        const e = JSON.parse(raw) as { seq: number; at: number; hash: string; caseId?: string; caseIds?: string[] };
        for (const caseId of e.caseIds ?? (e.caseId !== undefined ? [e.caseId] : [])) {
          ops.push(store.caseJournal.putOp(`${caseId}\u0000${key}`, { seq: e.seq }));
        }
        last = { seq: e.seq, hash: e.hash, at: e.at };
        if (ops.length >= BATCH) await flush();
      }
      if (last) ops.push(store.journalHead.putOp('head', last));
      await flush();
    },
  },
];

export async function migrate(store: MigratingStore, version: number, log: Logger): Promise<Array<{ from: number; to: number; what: string }>> {
  const done: Array<{ from: number; to: number; what: string }> = [];
  for (const step of steps) {
    if (step.from < version) continue;
    log.info({ from: step.from, to: step.to }, `migrating the store: ${step.what}`);
    await step.run(store, log);
    await store.meta.put('meta', { ...(await store.getMeta()), schemaVersion: step.to });
    done.push({ from: step.from, to: step.to, what: step.what });
    version = step.to;
  }
  return done;
}
