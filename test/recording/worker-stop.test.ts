/**
 * A media worker's stop ends its pipeline through EOS, not through its fallback. The
 * media-health branch ends in an appsink (`vhealth`) that the worker stops pulling when
 * it stops; an appsink that waits for its queued thumbnail to be pulled before passing
 * EOS on would hold the pipeline's EOS back, and every stop would wait for the fallback
 * and tear the pipeline down instead. The worker is driven through its own protocol
 * (src/media/worker-protocol.ts), as the supervisor does; the EOS path is the `eos`
 * message, which the worker sends only when the pipeline's EOS reached every sink.
 */
import test from 'ava';
import { fork, spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate, renderTemplate } from '../../src/media/pipeline-template.js';
import { FromWorkerSchema, type FromWorker } from '../../src/media/worker-protocol.js';
import { tempDir, waitFor } from '../helpers/test-config.js';

const WORKER = fileURLToPath(new URL('../../src/media/media-worker.js', import.meta.url));

async function rendered(template: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tpl = await loadTemplate(template);
  return renderTemplate(tpl, {
    template,
    params: { width: 160, height: 120 },
    fps: 25,
    gopSeconds: 1,
    segmentSeconds: 2,
    location: path.join(dir, `cam_${Date.now()}_%05d.mkv`),
  });
}

for (const template of ['test-av', 'test-faults']) {
  test(`stopping a ${template} worker (with the media-health taps) ends the pipeline by EOS`, async (t) => {
    const dir = await tempDir();
    const pipeline = await rendered(template, path.join(dir, 'ring'));
    t.true(pipeline.includes('name=vhealth'), 'the template has the thumbnail branch');
    const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const got: FromWorker[] = [];
    child.on('message', (raw) => {
      const parsed = FromWorkerSchema.safeParse(raw);
      if (parsed.success) got.push(parsed.data);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    t.teardown(() => void child.kill('SIGKILL'));
    child.send({ type: 'start', channel: 'cam', pipeline, stallSeconds: 60 });
    // Thumbnails flowing (so the appsink has had buffers), a segment open.
    await waitFor(() => got.filter((m) => m.type === 'health' && m.video).length >= 3 || undefined, 30_000, 'thumbnails from the vhealth branch');
    await waitFor(() => got.some((m) => m.type === 'segment-opened') || undefined, 30_000, 'a segment opened');
    const stopAt = Date.now();
    child.send({ type: 'stop' });
    t.is(await exited, 0);
    t.log(`stopped in ${Date.now() - stopAt} ms`);
    t.deepEqual(got.filter((m) => m.type === 'error'), [], 'no pipeline error');
    t.true(got.some((m) => m.type === 'eos'), 'the worker finished through EOS, not its fallback');
    // EOS closed the open segment cleanly: a close for every open.
    const opened = got.filter((m) => m.type === 'segment-opened').length;
    t.is(got.filter((m) => m.type === 'segment-closed').length, opened);
  });
}

test('gst-launch-1.0 -e ends the rendered test-av pipeline on the first SIGINT', async (t) => {
  const dir = await tempDir();
  const pipeline = await rendered('test-av', path.join(dir, 'ring'));
  const gst = spawn('sh', ['-c', `exec gst-launch-1.0 -e ${pipeline}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  gst.stdout.on('data', (d: Buffer) => (out += d.toString()));
  gst.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => gst.once('exit', (code) => resolve(code)));
  t.teardown(() => void gst.kill('SIGKILL'));
  // Two segment files: 2 s of media have passed through the taps, so thumbnails have
  // reached the appsink nobody pulls (its queue is what held EOS back).
  const ring = path.join(dir, 'ring');
  await waitFor(async () => (await readdir(ring)).filter((f) => f.endsWith('.mkv')).length >= 2 || undefined, 30_000, 'two segments');
  gst.kill('SIGINT');
  // Without EOS reaching every sink gst-launch waits for ever; the bound only decides
  // how long a failing test takes.
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  t.not(code, 'hung', `gst-launch-1.0 did not finish after SIGINT:\n${out.slice(-800)}`);
  t.is(code, 0);
  t.true(out.includes('Got EOS from element'), 'EOS reached the pipeline');
});
