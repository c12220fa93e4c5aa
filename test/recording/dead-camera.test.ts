/**
 * A dead camera is bad input, not a reason to stop: the good channel records, the dead
 * one raises video.lost and keeps being retried, and the case explains the missing
 * channel with a gap and its cause.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseConfig } from '../../src/config/load.js';
import type { AlarmEvent } from '../../src/core/events.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { caseFiles, waitClosed } from '../helpers/case-media.js';

test('a camera that is not there: alarm, retries, the other channel records, the case has the gap', async (t) => {
  const dir = await tempDir();
  const base = testConfig(dir, { channels: 1, preRecordSeconds: 2, postRecordSeconds: 0 });
  const config = parseConfig({
    ...base,
    channels: [...base.channels, { id: 'dead', template: 'v4l2-x264', params: { device: '/dev/casecam-no-such-camera' } }],
    supervisor: { restartInitialMs: 100, restartMaxMs: 1000 },
  });
  const app = await buildService(config, { log: silentLogger() });
  const alarms: AlarmEvent[] = [];
  app.bus.on('alarm.raised', (a) => void alarms.push(a));
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  const alarm = await waitFor(() => alarms.find((a) => a.subject === 'dead'), 10_000, 'video.lost on the dead channel');
  t.is(alarm.kind, 'video.lost');
  t.regex(alarm.message, /casecam-no-such-camera|Could not open|exited/i);
  await waitFor(() => rec.supervisors[1]!.restarts >= 2, 20_000, 'the dead channel to be retried');
  t.log(`alarm: ${alarm.message}`);
  t.deepEqual(
    rec.state().channels.map((c) => [c.id, c.ok]),
    [
      ['cam1', true],
      ['dead', false],
    ],
  );

  const { caseId } = await rec.sessions.open({ trigger: 'application.accepted', source: 'test' });
  await sleep(3000);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId, 30_000);
  const files = await caseFiles(rec, caseId);
  t.true((files.get('cam1') ?? []).length >= 2, 'the good channel is in the case');
  t.false(files.has('dead'));
  const c = (await rec.store.cases.get(caseId))!;
  const gap = c.gaps.find((g) => g.channel === 'dead');
  t.truthy(gap, 'the dead channel is explained by a gap');
  t.is(gap!.from, c.windowStart);
  t.is(gap!.to, c.windowEnd!);
  t.regex(gap!.cause, /media lost/);
});
