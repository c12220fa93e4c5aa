/**
 * The watermark changes whenever a case opens or closes and, with a moving GPS fix, every
 * second. Each change reaches the real media worker (a forked process with the real
 * test-av pipeline here) as an `osd` message. The worker used to look the overlay up
 * anew for each one, and every lookup through the binding left a wrapper's templates in
 * V8 for good (src/media/element-handles.ts): some 20 KB a change, tens of MB an hour.
 * Here 1,500 changes after a warm-up may not grow the worker by 8 MB. The end of the
 * burst is known from the worker's answer to a `set` on an element that does not exist,
 * sent last (messages are handled in order): no timing.
 */
import test from 'ava';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTemplate, renderTemplate } from '../../src/media/pipeline-template.js';
import { WORKER_EXEC_ARGV } from '../../src/media/worker-exec-argv.js';
import { WORKER_PATH } from '../../src/service/build-capture.js';
import type { FromWorker } from '../../src/media/worker-protocol.js';
import { tempDir, waitFor } from '../helpers/test-config.js';

const CHANGES = 1500;
const rssKb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

test('1,500 watermark changes do not grow the media worker', async (t) => {
  const dir = await tempDir('casecam-osd-memory-');
  const tpl = await loadTemplate('test-av');
  const pipeline = renderTemplate(tpl, { template: 'test-av', params: {}, location: path.join(dir, 'osd_%05d.mkv'), segmentSeconds: 2, gopSeconds: 0.5, fps: 25 });
  const child = fork(WORKER_PATH, [], { execArgv: WORKER_EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  t.teardown(() => child.kill('SIGKILL'));
  const seen: FromWorker[] = [];
  child.on('message', (m) => seen.push(m as FromWorker));
  child.send({ type: 'start', channel: 'cam1', pipeline, stallSeconds: 60 });
  // Warm-up: two closed segments, and a first watermark change, before the first reading.
  await waitFor(() => seen.filter((m) => m.type === 'segment-closed').length >= 2, 60_000, 'two segments closed');
  child.send({ type: 'osd', text: 'DEV T-1  OFC -\nCASE -\nGPS no fix\n' });
  const before = rssKb(child.pid!);
  for (let i = 0; i < CHANGES; i++) child.send({ type: 'osd', text: `DEV T-1  OFC -\nCASE C-${i}\nGPS 52.${String(i).padStart(5, '0')},4.90000 40km/h\n` });
  child.send({ type: 'set', element: 'no-such-element', property: 'x', value: 1 });
  await waitFor(() => seen.some((m) => m.type === 'warning' && m.message.includes('no-such-element')), 120_000, 'the burst handled');
  const after = rssKb(child.pid!);
  t.log(`worker RSS ${before} kB → ${after} kB over ${CHANGES} watermark changes`);
  t.false(seen.some((m) => m.type === 'error'), JSON.stringify(seen.filter((m) => m.type === 'error')));
  t.true(after - before < 8 * 1024, `the worker grew ${after - before} kB over ${CHANGES} watermark changes`);
});
