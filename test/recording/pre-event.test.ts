/** The pre-event buffer: a case starts with the ring's tail, before its trigger. */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { probeFile } from '../helpers/media-probe.js';
import { sleep, tempDir, testConfig } from '../helpers/test-config.js';
import { caseFiles, frameWallTime, waitClosed } from '../helpers/case-media.js';

test("a case's first frame precedes its trigger by the pre-record time (± one segment)", async (t) => {
  const dir = await tempDir();
  const pre = 6;
  const config = testConfig(dir, { channels: 1, preRecordSeconds: pre, postRecordSeconds: 0 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  await sleep((pre + 3) * 1000);
  const { caseId } = await rec.sessions.open({ trigger: 'application.accepted', source: 'test' });
  const trigger = (await rec.store.cases.get(caseId))!.openTrigger.at;
  await sleep(2000);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId);
  const first = (await caseFiles(rec, caseId)).get('cam1')![0]!;
  const probed = await probeFile(first.path);
  const firstFrameAt = frameWallTime(first, probed.video[0]!);
  const lead = (trigger - firstFrameAt) / 1000;
  const seg = config.recording.segmentSeconds;
  t.true(lead >= pre - 0.2 && lead <= pre + seg + 0.2, `first frame ${lead.toFixed(3)} s before the trigger (pre-record ${pre} s)`);
  t.is((await rec.store.cases.get(caseId))!.windowStart, trigger - pre * 1000);
});

test('with pre-record 0 the case starts at the segment holding the trigger', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 0, postRecordSeconds: 0 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  await sleep(5000);
  const { caseId } = await rec.sessions.open({ trigger: 'application.accepted', source: 'test' });
  const trigger = (await rec.store.cases.get(caseId))!.openTrigger.at;
  await sleep(2500);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId);
  const files = (await caseFiles(rec, caseId)).get('cam1')!;
  t.true(files[0]!.start <= trigger && files[0]!.end > trigger, 'first segment holds the trigger');
  t.true(files.length <= 3, `${files.length} segments for a 2.5 s case`);
});
