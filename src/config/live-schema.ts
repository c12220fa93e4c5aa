/** The `live` section: remote live view on incidents (docs/live.md). */
import { z } from 'zod';
import { parseLiveUrl } from '../core/live-url.js';
import { ChannelIdSchema } from './channel-id.js';

export const LiveSchema = z.strictObject({
  url: z
    .string()
    .superRefine((url, ctx) => {
      try {
        parseLiveUrl(url);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional()
    .meta({ docType: 'srt:// or rtmp:// URL', description: "the fleet's receiver: `srt://host:port` or `rtmp://host[:port]/app/stream`; a `live.start` may name another" }),
  passphrase: z.string().min(10).max(79).optional().meta({ docType: 'secret', description: 'SRT encryption passphrase (10–79 characters), shared with the receiver' }),
  streamId: z
    .string()
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .default('casecam/${deviceId}/${channel}')
    .meta({ description: 'SRT stream ID; `${deviceId}` and `${channel}` are filled in (MediaMTX: `publish:casecam/${deviceId}/${channel}`)' }),
  latencyMs: z.number().int().min(20).max(8000).default(120).meta({ description: "SRT latency, the receiver's retransmission buffer (SRT's own default 120 ms)" }),
  defaultDurationSeconds: z.number().int().min(10).max(86_400).default(600).meta({ description: 'how long a stream runs when the command names no duration' }),
  maxDurationSeconds: z.number().int().min(10).max(86_400).default(3600).meta({ description: 'the longest a stream may run' }),
  retrySeconds: z.number().min(0).max(600).default(20).meta({ description: 'a receiver that cannot be reached or goes away is retried this long, then `live.failed`' }),
  channels: z.array(ChannelIdSchema).min(1).optional().meta({ docDefault: 'all', description: 'channels an incident streams' }),
  autoStartOn: z
    .array(z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/))
    .default(['violent-resistance', 'emergency'])
    .meta({ description: 'alarm kinds that start live on `channels` at once, without waiting for a person' }),
});
export type LiveConfig = z.infer<typeof LiveSchema>;
