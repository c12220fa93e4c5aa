/**
 * The start-of-duty self-check result: the retained MQTT topic `selfcheck`, the
 * `selfcheck.completed` event, and what `casecam selfcheck` prints with --json.
 * A failed item always says what to do (`action`).
 */
import { z } from 'zod';

export const SelfCheckItemSchema = z.object({
  name: z
    .string()
    .describe('the item: `channel.<id>`, `storage`, `at-rest` (the evidence directory on an encrypted device; figures encrypted, device, via), `clock`, `gps`, `broker`, `outbox`, `evidence-key`; a consumer shows an item it does not know as it is'),
  status: z.enum(['ok', 'warn', 'fail', 'skipped']),
  detail: z.string(),
  /** What to do about it; present whenever the status is fail or warn. */
  action: z.string().optional(),
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
});

export const SelfCheckSchema = z.object({
  ok: z.boolean().describe('true when no item failed (warnings allowed)'),
  trigger: z.enum(['start', 'command', 'cli']),
  startedAt: z.number().int().describe('milliseconds since the Unix epoch'),
  ts: z.number().int().describe('milliseconds since the Unix epoch: when it finished'),
  items: z.array(SelfCheckItemSchema),
});
export type SelfCheckItem = z.infer<typeof SelfCheckItemSchema>;
export type SelfCheckResult = z.infer<typeof SelfCheckSchema>;
