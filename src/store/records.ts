/**
 * Schemas of every value kept in LevelDB. Values are validated when written and
 * again when read back: a row that fails is reported and skipped, never trusted.
 */
import { z } from 'zod';

/** Bumped with a migration step in store-migrations.ts; docs/evidence.md lists the versions. */
export const SCHEMA_VERSION = 2;

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
  /**
   * Cases that claim this segment (the reverse of `caseSegments`, written in the same
   * batch). Required, never defaulted: a row that lacks it fails validation and is
   * skipped, so it can never pass for unclaimed footage that retention may evict.
   */
  caseIds: z.array(z.string()),
  /** Set once an offload target confirmed it holds this segment; retention may then evict it. */
  offloadedAt: z.number().optional(),
  offloadTarget: z.string().optional(),
  /** Set when retention deleted the file; the row stays as the record of what existed. */
  evictedAt: z.number().optional(),
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
  /** File size once closed (for the storage budget). */
  bytes: z.number().int().nonnegative().optional(),
  /** Aged out of the pre-record window and kept as background footage (record-after-the-fact). */
  background: z.boolean().optional(),
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

/** A past interval filed under the case after the fact (`claim`). */
export const ClaimSchema = z.object({
  from: z.number(),
  to: z.number(),
  at: z.number(),
  source: z.string(),
  by: z.string().optional(),
  reason: z.string().optional(),
});
export type Claim = z.infer<typeof ClaimSchema>;

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
  claims: z.array(ClaimSchema).optional(),
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
  /** Device meta: what the last start ran with, so a change is journaled. */
  deviceId: z.string().optional(),
  configSha256: z.string().optional(),
  keyFingerprint: z.string().optional(),
});
export type Meta = z.infer<typeof MetaSchema>;
