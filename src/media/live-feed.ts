/**
 * Inside a media worker: the live branch's tap. While someone watches, the recording
 * pipeline's `livevalve` is open and every MPEG-TS buffer from `livesink` is written to
 * a live sender child (live-sender.ts) on its stdin. While nobody watches the valve is
 * closed and nothing is muxed.
 *
 * Invariants: the recording never waits on the live side. The appsink drops old buffers
 * when it is not pulled fast enough; a sender whose stdin backs up past MAX_BACKLOG bytes
 * gets nothing more until it drains (a viewer sees a glitch, the recording nothing). One
 * pull is outstanding for the worker's whole life: `pull` holds a thread-pool thread while
 * it waits, so starting a new one per live start would exhaust the pool.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as Gst from 'gstreamer-superficial';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import type { LiveSenderStart } from './live-sender.js';

const SENDER_PATH = fileURLToPath(new URL('./live-sender.js', import.meta.url));
const MAX_BACKLOG = 2 * 1024 * 1024;
const BYTES_EVERY_MS = 2000;

type LiveStart = Extract<ToWorker, { type: 'live-start' }>;

export class LiveFeed {
  private sender: ChildProcess | undefined;
  private pulling = false;
  private bytes = 0;
  private error: string | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly pipeline: Gst.Pipeline,
    private readonly send: (msg: FromWorker) => void,
  ) {}

  start(req: LiveStart): void {
    if (this.sender) this.stop();
    const valve = this.pipeline.findChild('livevalve');
    const sink = this.pipeline.findChild('livesink') as Gst.AppSink | undefined;
    if (!valve || !sink) {
      this.send({ type: 'live-ended', bytes: 0, error: 'this pipeline template has no live branch (${video})' });
      return;
    }
    this.bytes = 0;
    this.error = undefined;
    const sender = fork(SENDER_PATH, [], { stdio: ['pipe', 'inherit', 'inherit', 'ipc'] });
    this.sender = sender;
    sender.stdin?.on('error', () => undefined); // EPIPE when the sender died: its exit says why
    sender.on('message', (raw) => {
      const msg = raw as { type?: string; message?: string };
      if (msg.type === 'playing') this.send({ type: 'live-playing' });
      else if (msg.type === 'error') this.error = String(msg.message);
    });
    sender.once('exit', (code, signal) => {
      if (this.sender !== sender) return;
      this.sender = undefined;
      valve.drop = true;
      clearInterval(this.ticker);
      const failed = code !== 0 || signal !== null;
      this.send({ type: 'live-ended', bytes: this.bytes, error: failed ? (this.error ?? `live sender ${signal ?? `exited with code ${code}`}`) : undefined });
    });
    const start: LiveSenderStart = { protocol: req.protocol, url: req.url, passphrase: req.passphrase, streamId: req.streamId, latencyMs: req.latencyMs };
    sender.send(start);
    valve.drop = false;
    if (req.keyframe) this.pipeline.forceKeyUnit('livevalve', 1);
    this.ticker = setInterval(() => this.send({ type: 'live-bytes', bytes: this.bytes }), BYTES_EVERY_MS);
    this.ticker.unref();
    if (!this.pulling) {
      this.pulling = true;
      this.pull(sink);
    }
  }

  /** Close the valve and end the sender (its stdin closes: it finishes and exits 0). */
  stop(): void {
    const sender = this.sender;
    if (!sender) return;
    const valve = this.pipeline.findChild('livevalve');
    if (valve) valve.drop = true;
    clearInterval(this.ticker);
    sender.stdin?.end();
    // A sender stuck in a blocking connect does not read stdin: end it.
    setTimeout(() => sender.kill('SIGKILL'), 3000).unref();
  }

  private pull(sink: Gst.AppSink): void {
    sink.pull((buf, caps) => {
      if (buf) this.deliver(buf);
      if (buf || caps) this.pull(sink);
      else this.pulling = false; // end of stream: the recording pipeline is finishing
    });
  }

  private deliver(buf: Buffer): void {
    const stdin = this.sender?.stdin;
    if (!stdin || !stdin.writable || stdin.writableLength > MAX_BACKLOG) return;
    stdin.write(buf);
    this.bytes += buf.length;
  }
}
