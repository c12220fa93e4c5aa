/**
 * The case quality report (`quality.json` in a case bundle, `casecam case report`):
 * one schema, the published shape. Rules and figures are explained in docs/quality.md.
 * Times are ISO 8601 UTC; durations in seconds; fractions as percentages (0–100, one
 * decimal).
 */
import { z } from 'zod';

export const QUALITY_FORMAT = 'casecam-quality/1';

const Iso = z.iso.datetime({ offset: true });
const Span = z.object({ from: Iso, to: Iso, seconds: z.number() });

export const QualityReportSchema = z.object({
  format: z.literal(QUALITY_FORMAT),
  caseId: z.string(),
  deviceId: z.string(),
  status: z.string(),
  madeAt: Iso,
  window: z.object({ from: Iso, to: Iso, seconds: z.number(), open: z.boolean() }),
  /** Opening trigger to closing trigger. */
  durationSeconds: z.number(),
  triggers: z.array(z.object({ at: Iso, type: z.string(), role: z.enum(['open', 'close']), reason: z.string().optional() })),
  channels: z.array(
    z.object({
      id: z.string(),
      coveragePercent: z.number(),
      recordedSeconds: z.number(),
      segments: z.number().int(),
      partialSegments: z.number().int(),
      /** Pre-record: media from the window's start to the opening trigger; post-record: from the closing trigger to the window's end. */
      preRecordPercent: z.number().nullable(),
      postRecordPercent: z.number().nullable(),
      /** null when the pipeline's template is not known for this case. */
      watermark: z.boolean().nullable(),
      gaps: z.array(Span.extend({ cause: z.string() })),
    }),
  ),
  alarms: z.array(Span.extend({ kind: z.string(), subject: z.string(), message: z.string(), open: z.boolean() })),
  markers: z.array(z.object({ at: Iso, type: z.string() })),
  gps: z.object({ fixes: z.number().int(), coveragePercent: z.number().nullable() }),
  integrity: z.object({
    segmentsChecked: z.number().int(),
    hashMismatches: z.array(z.string()),
    journalEntries: z.number().int(),
    journalBroken: z.array(z.string()),
    signature: z.string(),
  }),
  offload: z.object({ state: z.enum(['none', 'partial', 'all']), offloaded: z.number().int(), evicted: z.number().int(), of: z.number().int() }),
  score: z.object({
    value: z.number(),
    grade: z.enum(['good', 'acceptable', 'poor']),
    deductions: z.array(z.object({ rule: z.string(), points: z.number() })),
  }),
});
export type QualityReport = z.infer<typeof QualityReportSchema>;
