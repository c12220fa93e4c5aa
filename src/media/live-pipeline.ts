/**
 * Live sender: the pipeline, inside the media worker, that sends one channel's live stream
 * to a receiver. It is a pipeline of its own with its own bus (appsrc → tsparse → srtsink,
 * or appsrc → tsdemux → flvmux → rtmp2sink), built on each live start and torn down on stop or
 * error, so a receiver that is unreachable, refuses, or goes away ends this pipeline and
 * never touches the recording's.
 *
 * Invariants: `push` never blocks. The appsrc holds at most MAX_QUEUED_BYTES and drops its
 * oldest buffers beyond that (leaky-type=downstream), so a sink stuck in a connect or a
 * slow network costs the viewer a glitch and the recording nothing. `onEnded` is called
 * exactly once per sender (stopped when asked: no error). The receiver's address and
 * secrets are element properties, never spliced into the pipeline text.
 *
 * srtsink reaches PLAYING and keeps retrying without a receiver, and says nothing when the
 * receiver goes away, so for SRT "connected" is read from its statistics: the receiver's
 * ACKs. No ACK within CONNECT_SECONDS: unreachable; ACKs that stop for ACK_STALL_SECONDS
 * once connected: the receiver went away. For RTMP, rtmp2sink prerolls only once the
 * server took the stream, so the pipeline reaching PLAYING is "connected".
 */
import { createRequire } from 'node:module';
import type * as Gst from 'gstreamer-superficial';

const require = createRequire(import.meta.url);
const gst = require('gstreamer-superficial') as typeof Gst;

export interface LiveTarget {
  protocol: 'srt' | 'rtmp';
  url: string;
  passphrase?: string;
  streamId?: string;
  latencyMs: number;
}

export interface LiveSenderEvents {
  /** The receiver accepted the stream. */
  onPlaying(): void;
  /** The sender is gone: stopped when asked (no error) or failed. */
  onEnded(error?: string): void;
}

/** About 10 s of a 800 kbit/s channel: enough to ride out a hiccup, bounded whatever the bitrate. */
export const MAX_QUEUED_BYTES = 1024 * 1024;
/** A receiver that has not accepted the stream by then counts as unreachable. */
const CONNECT_SECONDS = 8;
const ACK_STALL_SECONDS = 3;

const SOURCE =
  `appsrc name=in leaky-type=downstream max-bytes=${MAX_QUEUED_BYTES} block=false ` +
  'caps=video/mpegts,systemstream=(boolean)true,packetsize=(int)188';

/**
 * The sender's pipeline text. RTMP is re-muxed from MPEG-TS into FLV without decoding;
 * each parser links only to the demuxer pad of its own kind, so the audio branch is there
 * only when the channel streams audio (flvmux would otherwise wait on an empty pad).
 */
export function senderDescription(protocol: 'srt' | 'rtmp', audio: boolean): string {
  // SRT carries 1316-byte messages (7 TS packets): a larger buffer, e.g. a keyframe's,
  // is silently dropped. The live muxer makes 42-packet buffers (fewer crossings into
  // JavaScript, pipeline-template.ts): tsparse cuts them back to 7.
  if (protocol === 'srt') return `${SOURCE} ! tsparse alignment=7 ! srtsink name=out sync=false`;
  const audioBranch = audio ? ' demux. ! aacparse ! queue ! flv.' : '';
  return `${SOURCE} ! tsdemux name=demux demux. ! h264parse ! queue ! flvmux name=flv streamable=true ! rtmp2sink name=out sync=false${audioBranch}`;
}

export class LiveSender {
  private readonly pipeline: Gst.Pipeline;
  private readonly src: Gst.AppSrc;
  private ended = false;
  private playing = false;
  private readonly timers: NodeJS.Timeout[] = [];

  /** Builds and starts the pipeline; throws when it cannot be built. */
  constructor(
    private readonly target: LiveTarget,
    audio: boolean,
    private readonly events: LiveSenderEvents,
  ) {
    this.pipeline = new gst.Pipeline(senderDescription(target.protocol, audio));
    const src = this.pipeline.findChild('in') as Gst.AppSrc | undefined;
    const out = this.pipeline.findChild('out');
    if (!src || !out) throw new Error('live sender: pipeline without appsrc or sink');
    this.src = src;
    if (target.protocol === 'srt') {
      out.uri = target.url;
      out.latency = target.latencyMs;
      if (target.streamId) out.streamid = target.streamId;
      if (target.passphrase) out.passphrase = target.passphrase;
    } else {
      out.location = target.url;
    }
    if (target.protocol === 'srt') this.watchAcks(out);
    // pollBus() waits for the next message on a libuv thread-pool thread, and stops
    // re-arming once the pipeline is in NULL. A pipeline going to NULL normally flushes its
    // bus: a wait that starts (or wakes) just then finds nothing and holds its thread for
    // good, and a worker has only 4 (the live appsink's pull then starves: the stream
    // dwindles after a few starts). Unflushed, the state-change messages of the teardown
    // end that wait. play() before pollBus(): the binding stops polling after a message
    // that arrives in NULL.
    this.pipeline['auto-flush-bus'] = false;
    this.pipeline.play();
    this.pipeline.pollBus((msg) => this.onBus(msg));
    this.later(() => {
      if (!this.playing) this.end(`receiver not reached within ${CONNECT_SECONDS} s`);
    }, CONNECT_SECONDS * 1000);
  }

  /** Hands one MPEG-TS buffer to the sender; false once it has ended. Never blocks. */
  push(buf: Buffer): boolean {
    if (this.ended) return false;
    this.src.push(buf);
    return true;
  }

  /** Tears the pipeline down (the receiver sees the connection close). */
  stop(): void {
    this.end();
  }

  private onBus(msg: Gst.BusMessage): void {
    if (this.ended) return;
    if (msg.type === 'state-changed' && msg._src_element_name?.startsWith('pipeline') && msg['new-state'] === 'GST_STATE_PLAYING') {
      if (this.target.protocol === 'rtmp') this.connected();
    } else if (msg.type === 'error') {
      this.end(String(msg.message ?? 'live sender error'));
    } else if (msg.type === 'eos') {
      this.end('live sender: end of stream');
    }
  }

  private connected(): void {
    if (this.playing || this.ended) return;
    this.playing = true;
    this.events.onPlaying();
  }

  /** Reads the ACK count from srtsink's statistics twice a second (see the header). */
  private watchAcks(out: Gst.GstElement): void {
    let acks = 0;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the binding's stats value, parsed in its string form
      const m = /packet-ack-received=\(int\)(\d+)/.exec(String(out.stats ?? ''));
      const now = Date.now();
      const n = m ? Number(m[1]) : undefined;
      if (n !== undefined && n > acks) {
        acks = n;
        lastChange = now;
        this.connected();
      } else if (this.playing && now - lastChange > ACK_STALL_SECONDS * 1000) {
        this.end(`receiver went away (no acknowledgement for ${ACK_STALL_SECONDS} s)`);
      }
    }, 500);
    timer.unref();
    this.timers.push(timer);
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private end(error?: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    try {
      this.pipeline.stop();
    } catch {
      /* ending anyway */
    }
    this.events.onEnded(error);
  }
}
