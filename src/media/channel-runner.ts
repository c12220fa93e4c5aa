/**
 * One channel's GStreamer pipeline inside a media worker process: plays it, relays
 * splitmuxsink's fragment messages, sets the OSD text, and ends (through `port.exit`)
 * on any pipeline error or stall so that the supervisor restarts it.
 *
 * A worker process runs one runner (media-worker.ts, the default) or several
 * (media-worker-host.ts, `supervisor.channelsPerWorker` > 1). Invariant: after `exit`
 * the runner sends nothing more and holds no timer; its pipeline is stopped (state NULL),
 * which also ends the binding's bus poll, so a host can start the channel again.
 */
import { createRequire } from 'node:module';
import type * as Gst from 'gstreamer-superficial';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import { runningNs } from './worker-message-check.js';
import { PROBE_WIDTH, belowWatermark, levelFigures, lumaStats } from './health-probe.js';
import { LiveFeed } from './live-feed.js';
import { ElementHandles } from './element-handles.js';

const require = createRequire(import.meta.url);
const gst = require('gstreamer-superficial') as typeof Gst;

/** What a runner needs of its process: a way to the service, and a way out. */
export interface RunnerPort {
  /** Sends to the service; `done` once the message has left (or could not). */
  send(msg: FromWorker, done: () => void): void;
  connected(): boolean;
  /** The runner is finished with this exit code (a process exits; a host drops the runner). */
  exit(code: number): void;
}

/** A pipeline that has not reached PLAYING by then is treated as failed to start. */
const START_SECONDS = 5;

export class ChannelRunner {
  private pipeline: Gst.Pipeline | undefined;
  /** Elements looked up once each (element-handles.ts: every lookup leaks in the binding). */
  private elements: ElementHandles | undefined;
  private live: LiveFeed | undefined;
  private lastProgress = Date.now();
  private stopping = false;
  private playing = false;
  private finishing = false;
  private ended = false;
  private unsent = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  /**
   * `shared`: other channels run in this process. A pipeline that fails to start is then
   * not drained for GStreamer's own error message (each drain holds a thread-pool thread
   * until a message comes, which a process that lives on cannot afford).
   */
  constructor(
    private readonly port: RunnerPort,
    private readonly shared = false,
  ) {}

  readonly send = (msg: FromWorker): void => {
    if (this.ended || !this.port.connected()) return;
    this.unsent++;
    this.port.send(msg, () => this.unsent--);
  };

  handle(msg: ToWorker): void {
    const { pipeline } = this;
    if (msg.type === 'start' && !pipeline && !this.ended) {
      this.play(msg.pipeline, msg.stallSeconds);
    } else if (msg.type === 'osd' && this.elements) {
      const osd = this.elements.get('osd');
      if (osd) osd.text = msg.text;
    } else if (msg.type === 'set' && this.elements) {
      const element = this.elements.get(msg.element);
      if (element) element[msg.property] = msg.value;
      else this.send({ type: 'warning', message: `no element named ${msg.element} to set ${msg.property} on` });
    } else if (msg.type === 'live-start' && pipeline && !this.stopping) {
      this.live ??= new LiveFeed(pipeline, this.send);
      this.live.start(msg);
    } else if (msg.type === 'live-stop') {
      this.live?.stop();
    } else if (msg.type === 'stop') {
      this.stop();
    }
  }

  /** Ends the open segment with EOS, then finishes; a wedged pipeline is left after 3 s. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.live?.stop();
    if (!this.pipeline) return this.finish(0);
    this.pipeline.sendEOS();
    this.later(() => this.finish(0), 3000);
  }

  private later(fn: () => void, ms: number, every = false): void {
    const t = every ? setInterval(fn, ms) : setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private play(description: string, stallSeconds: number): void {
    let pipeline: Gst.Pipeline;
    try {
      pipeline = this.pipeline = new gst.Pipeline(description);
      this.elements = new ElementHandles(pipeline);
    } catch (err) {
      this.send({ type: 'error', message: `cannot build pipeline: ${err instanceof Error ? err.message : String(err)}` });
      return this.finish(2);
    }
    // play() before pollBus(): the binding stops polling after a message that arrives
    // while the pipeline is still in NULL, which would silence a pipeline that runs.
    pipeline.play();
    pipeline.pollBus((m) => this.onBus(m));
    this.pullThumbnails(pipeline);
    this.lastProgress = Date.now();
    this.later(() => {
      if (this.playing || this.stopping || this.ended) return;
      // It failed to start, so it sits in NULL and the binding delivers one message per
      // pollBus(): drain a few to find GStreamer's own error, then give up.
      if (!this.shared) for (let i = 0; i < 16; i++) pipeline.pollBus((m) => this.onBus(m));
      this.later(() => {
        this.send({ type: 'error', message: `pipeline did not start within ${START_SECONDS} s (device missing or busy?)` });
        this.finish(4);
      }, 500);
    }, START_SECONDS * 1000);
    this.later(
      () => {
        if (!this.stopping && Date.now() - this.lastProgress > stallSeconds * 1000) {
          this.send({ type: 'error', message: `no segment for ${stallSeconds} s: pipeline stalled` });
          this.finish(3);
        }
      },
      1000,
      true,
    );
  }

  /** Leave once the last messages (the final segment's close) have left, or after 1 s. */
  private finish(code: number): void {
    if (this.finishing) return;
    this.finishing = true;
    try {
      this.pipeline?.stop();
    } catch {
      /* finishing anyway */
    }
    this.live?.stop();
    const until = Date.now() + 1000;
    const check = () => {
      if (this.unsent > 0 && Date.now() <= until && this.port.connected()) return void setTimeout(check, 10);
      this.ended = true;
      this.timers.forEach((t) => clearTimeout(t));
      this.port.exit(code);
    };
    check();
  }

  private onBus(msg: Gst.BusMessage): void {
    if (this.ended) return;
    switch (msg.type) {
      case 'element':
        if (msg.name === 'level') {
          const audio = levelFigures(msg);
          if (audio) this.send({ type: 'health', audio });
        } else if (msg.name === 'splitmuxsink-fragment-opened' || msg.name === 'splitmuxsink-fragment-closed') {
          this.lastProgress = Date.now();
          this.send({
            type: msg.name === 'splitmuxsink-fragment-opened' ? 'segment-opened' : 'segment-closed',
            file: String(msg.location),
            runningNs: runningNs(msg['running-time']),
          });
        }
        break;
      case 'state-changed':
        if (msg._src_element_name?.startsWith('pipeline') && msg['new-state'] === 'GST_STATE_PLAYING') {
          this.playing = true;
          this.send({ type: 'playing', wallBase: Date.now() });
        }
        break;
      case 'warning':
        this.send({ type: 'warning', message: String(msg.message ?? msg.name ?? 'warning') });
        break;
      case 'error':
        this.send({ type: 'error', message: String(msg.message ?? 'pipeline error'), element: msg.name });
        this.finish(2);
        break;
      case 'eos':
        this.send({ type: 'eos' });
        this.finish(0);
        break;
      default:
        break;
    }
  }

  /**
   * Pull the media-health thumbnails (the `vhealth` appsink, when the template has one)
   * and send their luma statistics. A null buffer means EOS or a stopped pipeline: stop.
   */
  private pullThumbnails(p: Gst.Pipeline): void {
    const sink = p.findChild('vhealth') as Gst.AppSink | undefined;
    if (!sink) return;
    let previous: Uint8Array | undefined;
    const onBuffer = (buf: Buffer | null | undefined) => {
      if (!buf || this.stopping || this.ended) return;
      const frame = belowWatermark(new Uint8Array(buf), PROBE_WIDTH);
      this.send({ type: 'health', video: lumaStats(frame, previous) });
      previous = frame;
      sink.pull(onBuffer);
    };
    sink.pull(onBuffer);
  }
}
