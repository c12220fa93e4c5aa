/**
 * Every second of a case accounted for, where it used to fail: a case opened soon after
 * the service started, and after a restart, claims pre-record from before the first
 * media. Its window must be media plus gaps with causes, and it is not `complete`.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { waitClosed } from '../helpers/case-media.js';
import { assertCaseCoverage } from '../helpers/case-coverage.js';

test('a case opened right after the first start: the pre-record before the first media is a gap "not recording: service started at …"', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 2, preRecordSeconds: 8, postRecordSeconds: 0 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  // Open once media flows, well inside the pre-record time.
  await waitFor(() => rec.supervisors.every((s) => s.ok) || undefined, 60_000, 'media on both channels');
  await sleep(1500);
  const { caseId } = await rec.sessions.open({ caseId: 'EARLY-1', trigger: 'application.accepted', source: 'test' });
  await sleep(3000);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId, 60_000);
  const c = (await rec.store.cases.get(caseId))!;
  for (const channel of ['cam1', 'cam2']) {
    const lead = c.gaps.find((g) => g.channel === channel && g.from === c.windowStart);
    t.truthy(lead, `${channel}: the window's start has a gap`);
    t.regex(lead!.cause, /^not recording: service started at \d{4}-\d\d-\d\dT.*, media began at /);
  }
  const report = await assertCaseCoverage(t, rec, caseId);
  t.false(report.complete);
  const closed = (await rec.journal.forCase(caseId)).find((e) => e.type === 'case.closed')!;
  t.is(closed.data.complete, false);
});

test('after a restart, a case whose pre-record reaches back over the restart has the stop as a gap with its cause', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 12, postRecordSeconds: 0 });
  const first = await buildService(config, { log: silentLogger() });
  await first.start();
  await waitFor(() => first.supervisors.every((s) => s.ok) || undefined, 60_000, 'media');
  await sleep(4000);
  await first.stop();

  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  await waitFor(() => rec.supervisors.every((s) => s.ok) || undefined, 60_000, 'media after the restart');
  await sleep(2500);
  const { caseId } = await rec.sessions.open({ caseId: 'AFTER-RESTART', trigger: 'application.accepted', source: 'test' });
  await sleep(2500);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId, 60_000);
  const c = (await rec.store.cases.get(caseId))!;
  t.true(c.gaps.some((g) => /^service was stopped: media stopped at .*, service started at /.test(g.cause)), JSON.stringify(c.gaps));
  const report = await assertCaseCoverage(t, rec, caseId);
  t.false(report.complete);
  t.true(report.channels[0]!.mediaSeconds > 4, 'media from before and after the restart is in the case');
});
