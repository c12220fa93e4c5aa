/**
 * Schemas of every value kept in LevelDB. Values are validated when written and
 * again when read back: a row that fails is reported and skipped, never trusted.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

export const SegmentRecordSchema = z.object({
  id: z.string(),
  channel: z.string(),
  /** Path relative to the evidence directory. */
  file: z.string(),
  start: z.number(),
  end: z.number(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  runningStartNs: z.string(),
  runningEndNs: z.string().optional(),
  partial: z.boolean().optional(),
  /** Indexed by the start-up recovery scan rather than by live sealing. */
  recovered: z.boolean().optional(),
  sealedAt: z.number(),
});
export type SegmentRecord = z.infer<typeof SegmentRecordSchema>;

export const RingRecordSchema = z.object({
  id: z.string(),
  channel: z.string(),
  runId: z.string(),
  index: z.number().int(),
  file: z.string(),
  start: z.number(),
  end: z.number().optional(),
  runningStartNs: z.string(),
  runningEndNs: z.string().optional(),
  partial: z.boolean().optional(),
});
export type RingRecord = z.infer<typeof RingRecordSchema>;

export const TriggerSchema = z.object({
  type: z.string(),
  source: z.string(),
  at: z.number(),
  by: z.string().optional(),
  reason: z.string().optional(),
  documents: z.array(z.string()).optional(),
});
export type Trigger = z.infer<typeof TriggerSchema>;

export const MarkerSchema = z.object({
  at: z.number(),
  type: z.string(),
  note: z.string().optional(),
  by: z.string().optional(),
  source: z.string().optional(),
});
export type Marker = z.infer<typeof MarkerSchema>;

export const GapSchema = z.object({
  channel: z.string(),
  from: z.number(),
  to: z.number(),
  cause: z.string(),
});
export type Gap = z.infer<typeof GapSchema>;

export const CaseStatusSchema = z.enum(['open', 'closing', 'closed']);

export const CaseRecordSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: CaseStatusSchema,
  deviceId: z.string(),
  site: z.string().optional(),
  unit: z.string().optional(),
  officerIds: z.array(z.string()),
  openTrigger: TriggerSchema,
  closeTrigger: TriggerSchema.optional(),
  /** Claim window in wall-clock ms: from trigger − pre-record to close + post-record. */
  windowStart: z.number(),
  windowEnd: z.number().optional(),
  markers: z.array(MarkerSchema),
  gaps: z.array(GapSchema),
  closedAt: z.number().optional(),
});
export type CaseRecord = z.infer<typeof CaseRecordSchema>;

export const CaseSegmentSchema = z.object({
  caseId: z.string(),
  segmentId: z.string(),
  channel: z.string(),
  start: z.number(),
});
export type CaseSegment = z.infer<typeof CaseSegmentSchema>;

export const MetaSchema = z.object({
  schemaVersion: z.number().int(),
  /** False while the service runs; set true by a clean stop. */
  cleanShutdown: z.boolean(),
  lastStopAt: z.number().optional(),
});
export type Meta = z.infer<typeof MetaSchema>;
