/**
 * The recording must be uninterrupted: 60 s of two channels, 20+ segment boundaries
 * and a case closed and another opened in between, with not one video frame or audio
 * sample lost or duplicated, checked by an independent decoder.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { continuity, decodeErrors, probeFile, type ProbedFile } from '../helpers/media-probe.js';
import { sleep, tempDir, testConfig } from '../helpers/test-config.js';
import { caseFiles, waitClosed } from '../helpers/case-media.js';

test('60 s across 20+ boundaries and a close/re-open: no frame or sample lost or duplicated', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 2, preRecordSeconds: 4, postRecordSeconds: 2 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;

  await sleep(5000);
  await rec.sessions.open({ caseId: 'A〔2026〕1号', trigger: 'application.accepted', source: 'test' });
  await sleep(26_000);
  await rec.sessions.close({ caseId: 'A〔2026〕1号', trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, 'A〔2026〕1号');
  await rec.sessions.open({ caseId: 'B-2', trigger: 'investigation.started', source: 'test' });
  await sleep(24_000);
  await rec.sessions.close({ caseId: 'B-2', trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, 'B-2');

  const a = await caseFiles(rec, 'A〔2026〕1号');
  const b = await caseFiles(rec, 'B-2');
  const fps = config.channels[0]!.fps;
  for (const channel of ['cam1', 'cam2']) {
    const filesA = a.get(channel) ?? [];
    const filesB = b.get(channel) ?? [];
    t.true(filesA.length > 0 && filesB.length > 0, `${channel}: both cases have media`);
    // The union of both cases, each segment once: the whole session on this channel.
    const union = [...new Map([...filesA, ...filesB].map((s) => [s.id, s])).values()].sort((x, y) => x.start - y.start);
    const probed = new Map<string, ProbedFile>();
    for (const s of union) probed.set(s.id, await probeFile(s.path));
    for (const [name, files] of [['case A', filesA], ['case B', filesB], ['both cases', union]] as const) {
      const c = continuity(files.map((s) => probed.get(s.id)!), fps);
      t.is(c.videoLost, 0, `${channel} ${name}: video frames lost`);
      t.is(c.videoDuplicated, 0, `${channel} ${name}: video frames duplicated`);
      t.is(c.audioLostSamples, 0, `${channel} ${name}: audio samples lost`);
      t.is(c.audioDuplicatedSamples, 0, `${channel} ${name}: audio samples duplicated`);
    }
    const whole = continuity(union.map((s) => probed.get(s.id)!), fps);
    t.true(union.length - 1 >= 20, `${channel}: ${union.length - 1} segment boundaries`);
    t.true(whole.lastVideoMs - whole.firstVideoMs >= 55_000, `${channel}: ${(whole.lastVideoMs - whole.firstVideoMs) / 1000} s of continuous video`);
    // Frames and samples agree with the elapsed media time: nothing silently dropped at the edges.
    t.is(whole.videoFrames, Math.round((whole.lastVideoMs - whole.firstVideoMs) / (1000 / fps)) + 1);
    for (const s of union) {
      const p = probed.get(s.id)!;
      t.true(p.video.length > 0 && p.audio.length > 0, `${s.id} has audio and video`);
      // The first segment of a run starts with whichever source produced first; after that
      // every cut is at a keyframe and the audio is cut at the same running time.
      const skew = Math.abs(p.video[0]! - p.audio[0]!.pts);
      if (!s.id.endsWith('_00000')) t.true(skew <= 60, `${s.id}: audio and video start ${skew} ms apart`);
      t.is(await decodeErrors(s.path), '', `${s.id} decodes cleanly`);
    }
  }
  // The two cases are separate case files: B never lists A's pre-open segments and vice versa.
  const caseA = await rec.store.cases.get('A〔2026〕1号');
  const caseB = await rec.store.cases.get('B-2');
  t.is(caseA?.gaps.length, 0);
  t.is(caseB?.gaps.length, 0);
});
