/**
 * Live sender: a child process of a media worker that sends one channel's live stream to
 * a receiver. It reads MPEG-TS (7 packets per write, from the recording pipeline's live
 * branch) on stdin and runs its own pipeline with its own bus, so a receiver that is
 * unreachable, refuses, or goes away fails this process and never the recording.
 *
 * The receiver's address and secrets are set as element properties, never spliced into
 * the pipeline text. SRT is sent as is (caller mode); RTMP is re-muxed into FLV without
 * decoding (tsdemux → flvmux). It reports `{type:'playing'}` once connected and
 * `{type:'error', message}` before it exits non-zero; stdin closing ends it cleanly.
 *
 * srtsink reaches PLAYING and keeps retrying without a receiver, and says nothing when the
 * receiver goes away, so for SRT "connected" is read from its statistics: the receiver's
 * ACKs. No ACK within CONNECT_SECONDS: unreachable; ACKs that stop for ACK_STALL_SECONDS
 * once connected: the receiver went away. Either fails this sender (the live controller
 * decides about retrying).
 */
import { createRequire } from 'node:module';
import type * as Gst from 'gstreamer-superficial';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const gst = require('gstreamer-superficial') as typeof Gst;

export const LiveSenderStartSchema = z.object({
  protocol: z.enum(['srt', 'rtmp']),
  url: z.string(),
  passphrase: z.string().optional(),
  streamId: z.string().optional(),
  latencyMs: z.number().int(),
});
export type LiveSenderStart = z.infer<typeof LiveSenderStartSchema>;

const PIPELINES = {
  srt: 'fdsrc fd=0 blocksize=1316 ! srtsink name=out sync=false',
  rtmp: 'fdsrc fd=0 blocksize=1316 ! tsdemux ! h264parse ! flvmux streamable=true ! rtmp2sink name=out sync=false',
} as const;

/** A receiver that has not accepted the stream by then counts as unreachable. */
const CONNECT_SECONDS = 8;
const ACK_STALL_SECONDS = 3;

let pipeline: Gst.Pipeline | undefined;
let done = false;

function leave(code: number, error?: string): void {
  if (done) return;
  done = true;
  if (error && process.connected) process.send?.({ type: 'error', message: error });
  try {
    pipeline?.stop();
  } catch {
    /* leaving anyway */
  }
  // Let the last message leave before exiting.
  setTimeout(() => process.exit(code), 50);
}

function start(req: LiveSenderStart): void {
  pipeline = new gst.Pipeline(PIPELINES[req.protocol]);
  const out = pipeline.findChild('out');
  if (!out) return leave(2, 'live sender: no sink');
  if (req.protocol === 'srt') {
    out.uri = req.url;
    out.latency = req.latencyMs;
    if (req.streamId) out.streamid = req.streamId;
    if (req.passphrase) out.passphrase = req.passphrase;
  } else {
    out.location = req.url;
  }
  let playing = false;
  const connected = () => {
    if (playing) return;
    playing = true;
    process.send?.({ type: 'playing' });
  };
  if (req.protocol === 'srt') watchAcks(out, connected);
  // play() before pollBus(), as in the media worker: the binding stops polling after a
  // message that arrives in NULL. It re-arms itself after each message.
  pipeline.play();
  pipeline.pollBus((msg: Gst.BusMessage) => {
    if (msg.type === 'state-changed' && msg._src_element_name?.startsWith('pipeline') && msg['new-state'] === 'GST_STATE_PLAYING') {
      if (req.protocol === 'rtmp') connected();
    } else if (msg.type === 'error') {
      leave(2, String(msg.message ?? 'live sender error'));
    } else if (msg.type === 'eos') {
      leave(0);
    }
  });
  setTimeout(() => {
    if (!playing) leave(3, `receiver not reached within ${CONNECT_SECONDS} s`);
  }, CONNECT_SECONDS * 1000).unref();
}

/** Reads the ACK count from srtsink's statistics twice a second (see the header). */
function watchAcks(out: Gst.GstElement, connected: () => void): void {
  let acks = 0;
  let lastChange = Date.now();
  let seen = false;
  const timer = setInterval(() => {
    const m = /packet-ack-received=\(int\)(\d+)/.exec(String(out.stats ?? ''));
    const now = Date.now();
    const n = m ? Number(m[1]) : undefined;
    if (n !== undefined && n > acks) {
      acks = n;
      lastChange = now;
      if (!seen) {
        seen = true;
        connected();
      }
    } else if (seen && now - lastChange > ACK_STALL_SECONDS * 1000) {
      clearInterval(timer);
      leave(3, `receiver went away (no acknowledgement for ${ACK_STALL_SECONDS} s)`);
    }
  }, 500);
  timer.unref();
}

process.once('message', (raw: unknown) => {
  const parsed = LiveSenderStartSchema.safeParse(raw);
  if (!parsed.success) return leave(2, 'live sender: bad start message');
  try {
    start(parsed.data);
  } catch (err) {
    leave(2, `live sender: ${err instanceof Error ? err.message : String(err)}`);
  }
});
// The media worker went away: nothing more will come.
process.on('disconnect', () => leave(0));
setInterval(() => {}, 1 << 30);
