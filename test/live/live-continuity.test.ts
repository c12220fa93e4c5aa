/**
 * Live view must never touch the recording: 60 s of a case during which live starts, the
 * receiver is killed, comes back (live resumes), and live stops. The case's media has not
 * one video frame or audio sample lost or duplicated (the continuity test's method), every
 * segment decodes, and the receiver got decodable video before and after its restart.
 */
import test from 'ava';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveStreamEvent } from '../../src/core/events.js';
import { buildService } from '../../src/service/build-service.js';
import { continuity, decodeErrors, probeFile } from '../helpers/media-probe.js';
import { caseFiles, waitClosed, waitPreRecordCovered } from '../helpers/case-media.js';
import { LiveReceiver } from '../helpers/live-receiver.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';

test('60 s of a case while live starts, loses its receiver, resumes and stops: no frame or sample lost', async (t) => {
  const dir = await tempDir('casecam-live-cont-');
  const base = testConfig(dir, { preRecordSeconds: 2, postRecordSeconds: 1 });
  const config = parseConfig({ ...base, live: { latencyMs: 50, retrySeconds: 60 } });
  const service = await buildService(config, { log: silentLogger() });
  await service.start();
  t.teardown(() => service.stop());
  const receiver = await LiveReceiver.start('srt');
  t.teardown(() => receiver.kill());
  const events: Array<{ type: string; e: LiveStreamEvent }> = [];
  for (const type of ['live.started', 'live.stopped', 'live.failed'] as const) service.bus.on(type, (e) => void events.push({ type, e }));
  const caseId = 'LIVE〔2026〕7号';

  await waitPreRecordCovered(service);
  await service.sessions.open({ caseId, trigger: 'investigation.started', source: 'test' });
  const opened = Date.now();
  service.live.startLive({ url: receiver.url, durationSeconds: 600, reason: 'test' });
  t.true((await receiver.waitFrames(50)) >= 50, 'first receiver got video');
  await sleep(8000);
  await receiver.kill();
  const second = path.join(path.dirname(receiver.file), 'after-restart.ts');
  await sleep(6000);
  await receiver.restart(second);
  t.true((await receiver.waitFrames(50, 45_000, second)) >= 50, 'the restarted receiver got video again');
  await sleep(8000);
  service.live.stopLive({});
  await waitFor(() => service.state().live.length === 0, 10_000, 'live stopped');
  // Recording after live, and a case of 60 s whatever the receiver's pace was.
  await sleep(Math.max(10_000, opened + 60_000 - Date.now()));
  await service.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(service, caseId);

  t.deepEqual(
    events.map((x) => x.type),
    ['live.started', 'live.stopped'],
    'one stream: started once, stopped when asked (the receiver restart was retried, not failed)',
  );
  const files = (await caseFiles(service, caseId)).get('cam1') ?? [];
  const probed = await Promise.all(files.map((s) => probeFile(s.path)));
  const c = continuity(probed, config.channels[0]!.fps);
  t.true(c.lastVideoMs - c.firstVideoMs >= 50_000, `${(c.lastVideoMs - c.firstVideoMs) / 1000} s of video`);
  t.is(c.videoLost, 0, 'video frames lost');
  t.is(c.videoDuplicated, 0, 'video frames duplicated');
  t.is(c.audioLostSamples, 0, 'audio samples lost');
  t.is(c.audioDuplicatedSamples, 0, 'audio samples duplicated');
  for (const s of files) t.is(await decodeErrors(s.path), '', `${s.id} decodes cleanly`);
  t.is((await service.store.cases.get(caseId))?.gaps.length, 0);
});
