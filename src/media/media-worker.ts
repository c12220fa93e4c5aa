/**
 * Media worker: a child process that runs one channel's GStreamer pipeline
 * (channel-runner.ts does the work).
 *
 * It is deliberately small and stateless: it plays the pipeline, relays
 * splitmuxsink's fragment messages, sets the OSD text, and exits on any pipeline
 * error or stall so that the supervisor restarts it. When the service goes away
 * (IPC disconnect) it finishes the open segment with EOS and exits.
 */
import { ChannelRunner } from './channel-runner.js';
import { checkToWorker } from './worker-message-check.js';
import { watchParent } from './parent-watch.js';

const runner = new ChannelRunner({
  send: (msg, done) => process.send?.(msg, undefined, {}, done),
  connected: () => process.connected,
  exit: (code) => process.exit(code),
});

process.on('message', (raw: unknown) => {
  const msg = checkToWorker(raw);
  if (msg) runner.handle(msg);
});

// The service died or closed the channel: finish the open segment and leave (parent-watch.ts).
watchParent(() => runner.stop());
process.on('SIGINT', () => {
  /* the service decides; a terminal Ctrl-C reaches the whole group */
});
// Keep the event loop alive while the pipeline runs; pollBus works on the thread pool.
setInterval(() => {}, 1 << 30);
