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
  /**
   * Set a property of a named element while the pipeline runs (test sources made to
   * misbehave, pipelines/test-faults.pipeline). Numbers and booleans only: no strings,
   * so nothing can be parsed into a pipeline description.
   */
  z.object({
    type: z.literal('set'),
    element: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    property: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    value: z.union([z.number().finite(), z.boolean()]),
  }),
  /** Open the live branch and stream it to `url` through a live sender pipeline in the worker (media/live-pipeline.ts). */
  z.object({
    type: z.literal('live-start'),
    protocol: z.enum(['srt', 'rtmp']),
    url: z.string().max(512),
    passphrase: z.string().max(79).optional(),
    streamId: z.string().max(512).optional(),
    latencyMs: z.number().int().min(20).max(8000),
    /** Ask the encoder for a keyframe now (a long recording GOP would keep the viewer waiting). */
    keyframe: z.boolean(),
  }),
  z.object({ type: z.literal('live-stop') }),
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
  /**
   * A media-health sample (pipelines/*: `vhealth` appsink, `alevel` level element):
   * luma mean and standard deviation (0–255) of a small thumbnail and its mean absolute
   * change from the previous one, or the audio RMS and peak in dBFS over half a second.
   */
  z.object({
    type: z.literal('health'),
    video: z.object({ mean: z.number(), stdDev: z.number(), change: z.number().optional() }).optional(),
    audio: z.object({ rmsDb: z.number(), peakDb: z.number() }).optional(),
  }),
  /** The live sender reached PLAYING (connected to the receiver). */
  z.object({ type: z.literal('live-playing') }),
  /** Bytes of MPEG-TS handed to the live sender so far, sent every 2 s while live. */
  z.object({ type: z.literal('live-bytes'), bytes: z.number() }),
  /** The live sender is gone: stopped when asked (`error` absent) or failed. */
  z.object({ type: z.literal('live-ended'), bytes: z.number(), error: z.string().optional() }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;
