/**
 * Media worker host: a child process that runs the pipelines of several channels
 * (`supervisor.channelsPerWorker` > 1), one ChannelRunner each, so they share one Node
 * runtime and one copy of GStreamer's libraries (each channel after the first adds about
 * 30 MB RSS instead of a 130 MB process: bench/README.md "cost").
 *
 * The messages are the media worker's own (worker-protocol.ts), each wrapped with its
 * channel: `{ch, msg}` both ways, plus `{ch, exit}` when a channel's runner has ended (a
 * pipeline error or stall ends only that channel; its supervisor starts it again here).
 * A crash of this process ends every channel in it: that is the price of sharing.
 * When the service goes away (IPC disconnect) or sends SIGTERM, every channel finishes
 * its open segment with EOS and the process exits.
 */
import { ChannelRunner, type RunnerPort } from './channel-runner.js';
import { checkToWorker } from './worker-message-check.js';
import { watchParent } from './parent-watch.js';

const runners = new Map<string, ChannelRunner>();
let leaving = false;

function portFor(ch: string): RunnerPort {
  return {
    send: (msg, done) => (process.connected ? process.send?.({ ch, msg }, undefined, {}, done) : done()),
    connected: () => process.connected,
    exit: (code) => {
      runners.delete(ch);
      if (process.connected) process.send?.({ ch, exit: code });
      if (leaving && runners.size === 0) process.exit(0);
    },
  };
}

process.on('message', (raw: unknown) => {
  if (typeof raw !== 'object' || raw === null) return;
  const { ch, msg: body } = raw as { ch?: unknown; msg?: unknown };
  const msg = checkToWorker(body);
  if (typeof ch !== 'string' || ch.length > 64 || !msg) return;
  let runner = runners.get(ch);
  if (!runner) {
    // A channel's runner exists from its `start` until it has sent `exit`.
    if (msg.type !== 'start' || leaving) return;
    runner = new ChannelRunner(portFor(ch), true);
    runners.set(ch, runner);
  }
  runner.handle(msg);
});

function leave(): void {
  leaving = true;
  if (runners.size === 0) process.exit(0);
  for (const runner of runners.values()) runner.stop();
}

watchParent(leave);
process.on('SIGINT', () => {
  /* the service decides; a terminal Ctrl-C reaches the whole group */
});
// Keep the event loop alive while pipelines run; pollBus works on the thread pool.
setInterval(() => {}, 1 << 30);
