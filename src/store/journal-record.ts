/** A journal entry: append-only, hash-chained (owned by the evidence-store work). */
import { z } from 'zod';

export const JournalEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number(),
  type: z.string(),
  caseId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  /** SHA-256 (hex) of the previous entry; 64 zeros for the first. */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
