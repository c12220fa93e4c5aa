/**
 * kill -9 in the middle of sealing and in the middle of an export: the store still
 * verifies, recovery files the half-sealed segment under its case, and the case exports
 * again into a bundle that verifies.
 */
import test from 'ava';
import { processAlive } from '../helpers/process-alive.js';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { CLI, cli, nextEvent, recordCase, startRecorder } from './helpers.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { assertCaseCoverage } from '../helpers/case-coverage.js';
import { Store } from '../../src/store/store.js';
import { silentLogger } from '../../src/core/logger.js';

const CHILD = fileURLToPath(new URL('./fixtures/seal-crash-child.js', import.meta.url));


test('kill -9 during sealing: recovery files the segment under its case; the store verifies and exports', async (t) => {
  const data = path.join(await tempDir('casecam-sealcrash-'), 'data');
  const caseId = '淮交罚〔2018〕86号';
  const child = spawn(process.execPath, [CHILD, data, caseId], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, sig) => resolve(sig)));
  const msg = await new Promise<{ segmentId: string; file: string; workers: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the child never reached a seal')), 40_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as { segmentId: string; file: string; workers: number[] });
    });
  });
  child.kill('SIGKILL');
  t.is(await exited, 'SIGKILL');
  // The media workers notice the lost service and finish their segment on their own.
  await waitFor(() => msg.workers.every((p) => !processAlive(p)), 10_000, 'orphaned media workers to exit');

  // The moment of the crash: durable in evidence, not in the index.
  await access(path.join(data, 'evidence', msg.file));
  const before = await Store.open(path.join(data, 'db'), silentLogger());
  t.is(await before.segments.get(msg.segmentId), undefined);
  await before.close();
  const jv = await cli('journal', 'verify', '--data', data);
  t.is(jv.code, 0, jv.stderr);

  const r = await startRecorder(testConfig(data, { channels: 2, preRecordSeconds: 2 }));
  try {
    await r.sessions.idle(); // the open case's claims run on the seal queue
    t.true(r.recovery.orphansIndexed.includes(msg.segmentId));
    t.false(r.recovery.cleanShutdown);
    const seg = await r.store.segments.get(msg.segmentId);
    t.deepEqual(seg?.caseIds, [caseId], 'the recovered segment is filed under its case again');
    t.true(seg?.recovered);
    await nextEvent(r, 'segment.sealed', (e) => e.caseIds.includes(caseId));
    const closed = nextEvent(r, 'case.closed', (e) => e.caseId === caseId);
    await r.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
    await closed;
    const c = await r.store.cases.get(caseId);
    t.true(c!.gaps.some((g) => /unclean stop/.test(g.cause)), 'the restart is a gap with its cause');
    await assertCaseCoverage(t, r, caseId);
    const types = (await r.journal.forCase(caseId)).map((e) => e.type);
    t.true(types.includes('segment.linked'));
  } finally {
    await r.stop();
  }
  const jv2 = await cli('journal', 'verify', '--data', data);
  t.is(jv2.code, 0, jv2.stderr);
  const out = path.join(path.dirname(data), 'bundle');
  const e = await cli('case', 'export', caseId, '--data', data, '--out', out);
  t.is(e.code, 0, e.stderr);
  const v = await cli('verify', out, '--key', path.join(data, 'keys', 'device.pub.pem'));
  t.is(v.code, 0, v.stderr);
  const files = await readdir(path.join(out, 'media', msg.segmentId.split('_')[0]!));
  t.true(files.includes(`${msg.segmentId}.mkv`));
});

test('kill -9 during export: no half bundle is left where it was asked for; the store verifies and exports again', async (t) => {
  const root = await tempDir('casecam-exportcrash-');
  const data = path.join(root, 'data');
  const r = await startRecorder(testConfig(data, { channels: 2, preRecordSeconds: 2 }));
  try {
    await sleep(2000);
    await recordCase(r, 'EXPORT-1', 4);
  } finally {
    await r.stop();
  }
  const out = path.join(root, 'bundle');
  const partial = path.join(root, '.bundle.partial');
  let killedMidway = false;
  for (let attempt = 0; attempt < 5 && !killedMidway; attempt++) {
    const child = spawn(process.execPath, [CLI, 'case', 'export', 'EXPORT-1', '--data', data, '--out', out, '--operator', 'crash-test'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Kill it once it has begun copying media into its working directory.
    while (child.exitCode === null) {
      const copied = await readdir(path.join(partial, 'media', 'cam1')).catch(() => []);
      if (copied.length > 0) {
        child.kill('SIGKILL');
        break;
      }
      await sleep(5);
    }
    await exited;
    const outThere = await access(out).then(() => true, () => false);
    killedMidway = child.signalCode === 'SIGKILL' && !outThere;
    if (outThere) await (await import('node:fs/promises')).rm(out, { recursive: true });
  }
  t.true(killedMidway, 'the export was killed midway');
  await access(partial); // the killed export's leftovers are beside, not at, BUNDLE

  const jv = await cli('journal', 'verify', '--data', data);
  t.is(jv.code, 0, jv.stderr);
  const list = await cli('journal', 'list', '--data', data, '--case', 'EXPORT-1');
  const types = list.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  t.is(types.at(-1), 'case.export.started', 'the cut-short access is journaled');

  const again = await cli('case', 'export', 'EXPORT-1', '--data', data, '--out', out, '--operator', 'crash-test');
  t.is(again.code, 0, again.stderr);
  await t.throwsAsync(access(partial));
  const v = await cli('verify', out, '--key', path.join(data, 'keys', 'device.pub.pem'));
  t.is(v.code, 0, v.stderr);
});
