/** A message waiting for the broker's acknowledgement (owned by the MQTT uplink work). */
import { z } from 'zod';

export const OutboxItemSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number(),
  topic: z.string(),
  payload: z.string(),
  qos: z.union([z.literal(0), z.literal(1)]),
  retain: z.boolean(),
  /** Which items go first when the outbox is full: telemetry before case and alarm events. */
  priority: z.enum(['telemetry', 'normal', 'critical']),
  /** MQTT 5 correlation data (base64) for a reply sent to a request's response topic. */
  correlationData: z.string().optional(),
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;
