/**
 * Media worker: a child process that runs one channel's GStreamer pipeline.
 *
 * It is deliberately small and stateless: it plays the pipeline, relays
 * splitmuxsink's fragment messages, sets the OSD text, and exits on any pipeline
 * error or stall so that the supervisor restarts it. When the service goes away
 * (IPC disconnect) it finishes the open segment with EOS and exits.
 */
import { createRequire } from 'node:module';
import type * as Gst from 'gstreamer-superficial';
import type { FromWorker } from './worker-protocol.js';
import { checkToWorker, runningNs } from './worker-message-check.js';
import { PROBE_WIDTH, belowWatermark, levelFigures, lumaStats } from './health-probe.js';
import { LiveFeed } from './live-feed.js';

const require = createRequire(import.meta.url);
const gst = require('gstreamer-superficial') as typeof Gst;

let pipeline: Gst.Pipeline | undefined;
let live: LiveFeed | undefined;
let lastProgress = Date.now();
let stopping = false;
let playing = false;

/** A pipeline that has not reached PLAYING by then is treated as failed to start. */
const START_SECONDS = 5;

let unsent = 0;

function send(msg: FromWorker): void {
  if (!process.connected) return;
  unsent++;
  process.send?.(msg, undefined, {}, () => unsent--);
}

/** Exit once the last messages (the final segment's close) have left, or after 1 s. */
function finish(code: number): void {
  try {
    pipeline?.stop();
  } catch {
    /* exiting anyway */
  }
  const until = Date.now() + 1000;
  const check = () => (unsent <= 0 || Date.now() > until || !process.connected ? process.exit(code) : setTimeout(check, 10));
  check();
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  live?.stop();
  if (!pipeline) return finish(0);
  pipeline.sendEOS();
  // EOS closes the last fragment cleanly; if the pipeline is wedged, leave anyway.
  setTimeout(() => finish(0), 3000).unref();
}

function onBus(msg: Gst.BusMessage): void {
  switch (msg.type) {
    case 'element':
      if (msg.name === 'level') {
        const audio = levelFigures(msg);
        if (audio) send({ type: 'health', audio });
      } else if (msg.name === 'splitmuxsink-fragment-opened' || msg.name === 'splitmuxsink-fragment-closed') {
        lastProgress = Date.now();
        send({
          type: msg.name === 'splitmuxsink-fragment-opened' ? 'segment-opened' : 'segment-closed',
          file: String(msg.location),
          runningNs: runningNs(msg['running-time']),
        });
      }
      break;
    case 'state-changed':
      if (msg._src_element_name?.startsWith('pipeline') && msg['new-state'] === 'GST_STATE_PLAYING') {
        playing = true;
        send({ type: 'playing', wallBase: Date.now() });
      }
      break;
    case 'warning':
      send({ type: 'warning', message: String(msg.message ?? msg.name ?? 'warning') });
      break;
    case 'error':
      send({ type: 'error', message: String(msg.message ?? 'pipeline error'), element: msg.name });
      finish(2);
      break;
    case 'eos':
      send({ type: 'eos' });
      finish(0);
      break;
    default:
      break;
  }
}

/**
 * Pull the media-health thumbnails (the `vhealth` appsink, when the template has one)
 * and send their luma statistics. A null buffer means EOS or a stopped pipeline: stop.
 */
function pullThumbnails(p: Gst.Pipeline): void {
  const sink = p.findChild('vhealth') as Gst.AppSink | undefined;
  if (!sink) return;
  let previous: Uint8Array | undefined;
  const onBuffer = (buf: Buffer | null | undefined) => {
    if (!buf || stopping) return;
    const frame = belowWatermark(new Uint8Array(buf), PROBE_WIDTH);
    send({ type: 'health', video: lumaStats(frame, previous) });
    previous = frame;
    sink.pull(onBuffer);
  };
  sink.pull(onBuffer);
}

process.on('message', (raw: unknown) => {
  const msg = checkToWorker(raw);
  if (!msg) return;
  if (msg.type === 'start' && !pipeline) {
    try {
      pipeline = new gst.Pipeline(msg.pipeline);
    } catch (err) {
      send({ type: 'error', message: `cannot build pipeline: ${err instanceof Error ? err.message : String(err)}` });
      return finish(2);
    }
    // play() before pollBus(): the binding stops polling after a message that arrives
    // while the pipeline is still in NULL, which would silence a pipeline that runs.
    pipeline.play();
    pipeline.pollBus(onBus);
    pullThumbnails(pipeline);
    lastProgress = Date.now();
    setTimeout(() => {
      if (playing || stopping) return;
      // It failed to start, so it sits in NULL and the binding delivers one message per
      // pollBus(): drain a few to find GStreamer's own error, then give up.
      for (let i = 0; i < 16; i++) pipeline!.pollBus(onBus);
      setTimeout(() => {
        send({ type: 'error', message: `pipeline did not start within ${START_SECONDS} s (device missing or busy?)` });
        finish(4);
      }, 500);
    }, START_SECONDS * 1000).unref();
    const stallMs = msg.stallSeconds * 1000;
    setInterval(() => {
      if (!stopping && Date.now() - lastProgress > stallMs) {
        send({ type: 'error', message: `no segment for ${msg.stallSeconds} s: pipeline stalled` });
        finish(3);
      }
    }, 1000).unref();
  } else if (msg.type === 'osd' && pipeline) {
    const osd = pipeline.findChild('osd');
    if (osd) osd.text = msg.text;
  } else if (msg.type === 'set' && pipeline) {
    const element = pipeline.findChild(msg.element);
    if (element) element[msg.property] = msg.value;
    else send({ type: 'warning', message: `no element named ${msg.element} to set ${msg.property} on` });
  } else if (msg.type === 'live-start' && pipeline && !stopping) {
    live ??= new LiveFeed(pipeline, send);
    live.start(msg);
  } else if (msg.type === 'live-stop') {
    live?.stop();
  } else if (msg.type === 'stop') {
    stop();
  }
});

// The service died or closed the channel: finish the open segment and leave.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', () => {
  /* the service decides; a terminal Ctrl-C reaches the whole group */
});
// Keep the event loop alive while the pipeline runs; pollBus works on the thread pool.
setInterval(() => {}, 1 << 30);
