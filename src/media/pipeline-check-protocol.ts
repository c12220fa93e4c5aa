/** Messages between pipeline-check.ts and its child (pipeline-check-worker.ts). */
import { z } from 'zod';

export const CheckRequestSchema = z.object({ descriptions: z.array(z.string()).max(256) });

export const CheckResultSchema = z.union([
  /** `unchecked`: GStreamer neither failed nor reached PAUSED in time (not held against the config). */
  z.object({ ok: z.literal(true), unchecked: z.string().optional() }),
  z.object({ ok: z.literal(false), stage: z.enum(['parse', 'paused']), message: z.string(), element: z.string().optional() }),
]);
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const CheckReplySchema = z.object({ results: z.array(CheckResultSchema) });
