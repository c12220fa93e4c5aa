/**
 * Messages between the service and a media worker (child process, Node IPC).
 * Both sides validate what they receive: a worker is a separate process that may be
 * half-dead, and the service must not trust it blindly.
 */
import { z } from 'zod';

export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), channel: z.string(), pipeline: z.string(), stallSeconds: z.number() }),
  z.object({ type: z.literal('osd'), text: z.string().max(2000) }),
  z.object({ type: z.literal('stop') }),
]);
export type ToWorker = z.infer<typeof ToWorkerSchema>;

export const FromWorkerSchema = z.discriminatedUnion('type', [
  /** Pipeline reached PLAYING; `wallBase` is the wall-clock ms of running time 0. */
  z.object({ type: z.literal('playing'), wallBase: z.number() }),
  z.object({ type: z.literal('segment-opened'), file: z.string(), runningNs: z.string().regex(/^\d{1,20}$/) }),
  z.object({ type: z.literal('segment-closed'), file: z.string(), runningNs: z.string().regex(/^\d{1,20}$/) }),
  z.object({ type: z.literal('error'), message: z.string(), element: z.string().optional() }),
  z.object({ type: z.literal('warning'), message: z.string() }),
  z.object({ type: z.literal('eos') }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;
