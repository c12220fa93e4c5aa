/**
 * The media worker reads its pipeline's bus through gstreamer-superficial, and every
 * `level` message (two a second per channel) passes its 64-bit and array fields through the
 * binding's string conversion. Unpatched, each conversion leaked its string: about 1 KB
 * per message here, a few MB an hour per channel on a device that records around the
 * clock. patches/gstreamer-superficial+1.7.4.patch frees them; this holds the worker's
 * bus reading to a bounded memory: 15,000 messages after a warm-up of 5,000 may not grow
 * the process by 4 MB (unpatched they leaked 10–15 MB, patched it grows about 1 MB).
 * Counted in messages, not time: a slow machine only takes longer.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/bus-message-child.js', import.meta.url));
const WARM = 5000;
const COUNT = 15_000;

test('reading 15,000 level messages from the bus does not leak their converted fields', async (t) => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', CHILD, String(WARM), String(COUNT)], { timeout: 150_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr.slice(-1000)}`)) : resolve(stdout),
    );
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { messages: number; beforeKb: number; afterKb: number };
  t.is(r.messages, COUNT);
  const grownKb = r.afterKb - r.beforeKb;
  t.log(`RSS ${r.beforeKb} kB → ${r.afterKb} kB over ${COUNT} messages (${Math.round((grownKb * 1024) / COUNT)} B/message)`);
  t.true(grownKb < 4 * 1024, `grew ${grownKb} kB over ${COUNT} level messages: the binding leaks what it converts`);
});
