/**
 * Inside a media worker: the live branch's tap. While someone watches, the recording
 * pipeline's live valves (`livevalve`, and `liveavalve` when the template streams audio)
 * are open and every MPEG-TS buffer from `livesink` is pushed into a live sender
 * (live-pipeline.ts): a second pipeline in this process, with its own bus. While nobody
 * watches the valves are closed and nothing is muxed or encoded.
 *
 * Invariants: the recording never waits on the live side. The appsink drops old buffers
 * when it is not pulled fast enough, and the sender's appsrc is bounded and drops its
 * oldest buffers (a viewer sees a glitch, the recording nothing). One pull is outstanding
 * for the worker's whole life: `pull` holds a thread-pool thread while it waits, so
 * starting a new one per live start would exhaust the pool.
 */
import type * as Gst from 'gstreamer-superficial';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import { LiveSender } from './live-pipeline.js';

const BYTES_EVERY_MS = 2000;
const VALVES = ['livevalve', 'liveavalve'];

type LiveStart = Extract<ToWorker, { type: 'live-start' }>;

export class LiveFeed {
  private sender: LiveSender | undefined;
  private pulling = false;
  private bytes = 0;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly pipeline: Gst.Pipeline,
    private readonly send: (msg: FromWorker) => void,
  ) {}

  start(req: LiveStart): void {
    if (this.sender) this.stop();
    const sink = this.pipeline.findChild('livesink') as Gst.AppSink | undefined;
    if (!this.pipeline.findChild('livevalve') || !sink) {
      this.send({ type: 'live-ended', bytes: 0, error: 'this pipeline template has no live branch (${video})' });
      return;
    }
    this.bytes = 0;
    const audio = this.pipeline.findChild('liveavalve') !== undefined;
    let sender: LiveSender;
    try {
      sender = new LiveSender(req, audio, {
        onPlaying: () => this.send({ type: 'live-playing' }),
        onEnded: (error) => {
          if (this.sender !== sender) return;
          this.sender = undefined;
          this.close();
          this.send({ type: 'live-ended', bytes: this.bytes, error });
        },
      });
    } catch (err) {
      this.send({ type: 'live-ended', bytes: 0, error: `live sender: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    this.sender = sender;
    this.setValves(false);
    if (req.keyframe) this.pipeline.forceKeyUnit('livevalve', 1);
    this.ticker = setInterval(() => this.send({ type: 'live-bytes', bytes: this.bytes }), BYTES_EVERY_MS);
    this.ticker.unref();
    if (!this.pulling) {
      this.pulling = true;
      this.pull(sink);
    }
  }

  /** Close the valves and tear the sender down (it reports `live-ended` without error). */
  stop(): void {
    this.sender?.stop();
  }

  private close(): void {
    this.setValves(true);
    clearInterval(this.ticker);
  }

  private setValves(drop: boolean): void {
    for (const name of VALVES) {
      const valve = this.pipeline.findChild(name);
      if (valve) valve.drop = drop;
    }
  }

  private pull(sink: Gst.AppSink): void {
    sink.pull((buf, caps) => {
      if (buf) this.deliver(buf);
      if (buf || caps) this.pull(sink);
      else this.pulling = false; // end of stream: the recording pipeline is finishing
    });
  }

  private deliver(buf: Buffer): void {
    if (this.sender?.push(buf)) this.bytes += buf.length;
  }
}
