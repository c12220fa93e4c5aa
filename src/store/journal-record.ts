/** Journal rows: append-only, hash-chained entries, their per-case index and the head anchor. */
import { z } from 'zod';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const JournalEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number(),
  type: z.string(),
  /** Cases the entry is about (indexed in `caseJournal`). */
  caseIds: z.array(z.string()).optional(),
  data: z.record(z.string(), z.unknown()),
  /** SHA-256 (hex) of the previous entry; 64 zeros for the first. */
  prevHash: Sha256Hex,
  /** SHA-256 of this entry's canonical JSON without `hash` (src/evidence/journal-hash.ts). */
  hash: Sha256Hex,
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

/** Written in the same batch as every entry: removing entries from the end shows against it. */
export const JournalHeadSchema = z.object({
  seq: z.number().int().nonnegative(),
  hash: Sha256Hex,
  at: z.number(),
});
export type JournalHead = z.infer<typeof JournalHeadSchema>;

export const CaseJournalSchema = z.object({ seq: z.number().int().nonnegative() });
