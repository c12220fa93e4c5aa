/**
 * The `replay` template plays a recorded clip as a live camera: looped, at its real rate,
 * re-encoded like a camera. Recorded through the whole service, it must give closed
 * segments that decode cleanly, with every frame one period after the last across the
 * clip's loop points and the segment boundaries, for longer than the clip itself.
 */
import test from 'ava';
import path from 'node:path';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseConfig } from '../../src/config/load.js';
import { continuity, decodeErrors, probeFile } from '../helpers/media-probe.js';
import { sleep, tempDir } from '../helpers/test-config.js';
import { caseFiles, waitClosed, waitPreRecordCovered } from '../helpers/case-media.js';
import { makeReplayClip } from '../helpers/replay-clip.js';

test('replay: a 2 s clip recorded continuously for 12 s, segments closed and decodable', async (t) => {
  const dir = await tempDir();
  const clip = await makeReplayClip(path.join(dir, 'clip.h264'), { seconds: 2 });
  const config = parseConfig({
    deviceId: 'TEST-BOX-1',
    kind: 'counter',
    channels: [{ id: 'cam1', template: 'replay', params: { file: clip, bitrate: 200 } }],
    recording: { preRecordSeconds: 2, postRecordSeconds: 1 },
    supervisor: { restartInitialMs: 200 },
    paths: { dataDir: dir },
  });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());

  await waitPreRecordCovered(app);
  await app.sessions.open({ caseId: 'REPLAY-1', trigger: 'application.accepted', source: 'test' });
  await sleep(12_000);
  await app.sessions.close({ caseId: 'REPLAY-1', trigger: 'documents.served', source: 'test' });
  await waitClosed(app, 'REPLAY-1');

  const files = (await caseFiles(app, 'REPLAY-1')).get('cam1') ?? [];
  t.true(files.length >= 5, `${files.length} segments`);
  const probed = [];
  for (const f of files) {
    t.falsy(f.partial, `${f.id} closed by the pipeline, not cut short`);
    t.is(await decodeErrors(f.path), '', `${f.id} decodes cleanly`);
    probed.push(await probeFile(f.path));
  }
  const c = continuity(probed, 25);
  t.is(c.videoLost, 0, 'no frame missing across loop points and boundaries');
  t.is(c.videoDuplicated, 0);
  // Longer than the clip: it looped. Real rate: frames match the media time elapsed.
  // 2 s pre-record + 12 s open + 1 s post-record of wall time: a source faster than real
  // time would have produced far more media than that.
  const span = c.lastVideoMs - c.firstVideoMs;
  t.true(span >= 10_000 && span <= 20_000, `${span / 1000} s recorded in ~15 s of wall time`);
  t.is(c.videoFrames, Math.round((c.lastVideoMs - c.firstVideoMs) / 40) + 1);
  const caseRow = await app.store.cases.get('REPLAY-1');
  t.is(caseRow?.gaps.length, 0);
});
