/**
 * Child process of pipeline-check.ts: parses each pipeline description GStreamer's
 * way and brings it to PAUSED, reporting what failed and where. It is a separate
 * process so that a crash or hang inside GStreamer (or a plugin) cannot take the
 * service with it; the parent bounds it in time and kills it when done.
 */
import { createRequire } from 'node:module';
import type * as Gst from 'gstreamer-superficial';
import { CheckRequestSchema, type CheckResult } from './pipeline-check-protocol.js';

const require = createRequire(import.meta.url);
const gst = require('gstreamer-superficial') as typeof Gst;

/** A live source reaches PAUSED at once (no preroll); a failure posts an error just as fast. */
const PAUSE_WAIT_MS = 3000;

function check(description: string): Promise<CheckResult> {
  let pipeline: Gst.Pipeline;
  try {
    pipeline = new gst.Pipeline(description);
  } catch (err) {
    return Promise.resolve({ ok: false, stage: 'parse', message: err instanceof Error ? err.message : String(err) });
  }
  return new Promise<CheckResult>((resolve) => {
    let done = false;
    let polls = 0;
    const finish = (r: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        pipeline.stop();
      } catch {
        /* reported already */
      }
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: true, unchecked: `did not reach PAUSED within ${PAUSE_WAIT_MS / 1000} s` }), PAUSE_WAIT_MS);
    const onMessage = (msg: Gst.BusMessage) => {
      if (msg.type === 'error') finish({ ok: false, stage: 'paused', message: String(msg.message ?? 'error'), element: typeof msg.name === 'string' ? msg.name : undefined });
      else if (msg.type === 'state-changed' && msg._src_element_name?.startsWith('pipeline') && msg['new-state'] === 'GST_STATE_PAUSED') finish({ ok: true });
      // A pipeline that failed to leave NULL is polled once per call: ask again (bounded).
      else if (!done && ++polls < 64) setImmediate(() => pipeline.pollBus(onMessage));
    };
    pipeline.pause();
    pipeline.pollBus(onMessage);
  });
}

process.once('message', (raw: unknown) => {
  const req = CheckRequestSchema.parse(raw);
  void (async () => {
    const results: CheckResult[] = [];
    for (const d of req.descriptions) results.push(await check(d));
    process.send?.({ results });
  })();
});
