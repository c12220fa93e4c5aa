/**
 * The uploader's LevelDB rows (`offload` sublevel, key = case ID). A row is written
 * after every part the server acknowledged, so a kill -9 or a reboot resumes from it.
 */
import { z } from 'zod';

export const PartSchema = z.object({
  n: z.number().int().min(1).max(10_000),
  etag: z.string(),
  /** Base64 SHA-256 of the part, as sent in `x-amz-checksum-sha256`. */
  sha256: z.string(),
});
export type Part = z.infer<typeof PartSchema>;

export const OffloadObjectSchema = z.object({
  /** Absolute path of the local file (staged bundle or sealed segment). */
  source: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  done: z.boolean(),
  uploadId: z.string().optional(),
  parts: z.array(PartSchema),
  /** The centre confirmed this file (offload.confirm). */
  confirmed: z.boolean().optional(),
});
export type OffloadObject = z.infer<typeof OffloadObjectSchema>;

export const OffloadStatusSchema = z.enum(['queued', 'uploading', 'uploaded', 'confirmed']);

export const OffloadCaseSchema = z.object({
  caseId: z.string(),
  category: z.string(),
  incident: z.boolean(),
  status: OffloadStatusSchema,
  queuedAt: z.number(),
  /** The case's key prefix in the bucket (object-key.ts). */
  keyBase: z.string(),
  /** The bundle staged for upload, once the case closed. */
  stagedDir: z.string().optional(),
  manifestSha256: z.string().optional(),
  /** Bundle path (e.g. `media/cam1/x.mkv`) → upload state. */
  objects: z.record(z.string(), OffloadObjectSchema),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.number().optional(),
  lastError: z.string().optional(),
  uploadedAt: z.number().optional(),
  confirmedAt: z.number().optional(),
});
export type OffloadCase = z.infer<typeof OffloadCaseSchema>;
