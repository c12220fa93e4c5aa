/**
 * Record-after-the-fact: with a background budget, unclaimed footage stays on disk past
 * the pre-record window, and `claimInterval` files a past interval under a case (new,
 * open, or overlapping another case's sealed footage). The bundle of a claimed case verifies.
 */
import test from 'ava';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { cli, nextEvent, recordCase, startRecorder } from './helpers.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { assertCaseCoverage } from '../helpers/case-coverage.js';
import { exportBundle } from '../../src/export/bundle-export.js';
import { Store } from '../../src/store/store.js';
import { verifyJournal } from '../../src/evidence/journal.js';

test('a past interval is filed under a new case, an open case, and beside another case', async (t) => {
  const root = await tempDir('casecam-claim-');
  const config = testConfig(path.join(root, 'data'), { channels: 2, segmentSeconds: 1, preRecordSeconds: 1, storage: { backgroundBytes: 200 * 1024 * 1024, checkSeconds: 0.5 } });
  const r = await startRecorder(config);
  try {
    // Both channels' first segments: the claim below starts where both have media.
    const [first, second] = await Promise.all([nextEvent(r, 'segment.closed', (s) => s.channel === 'cam1'), nextEvent(r, 'segment.closed', (s) => s.channel === 'cam2')]);
    await sleep(6000);
    // Footage older than the pre-record window is kept as background, on disk.
    const bg = r.ring.background();
    t.true(bg.length >= 4, `background segments: ${bg.length}`);
    for (const e of bg) {
      t.is(path.dirname(e.file), r.paths.backgroundDir);
      await access(e.file);
    }

    const from = Math.max(first.start, second.start) + 200;
    const to = from + 4000;
    const claimed = await r.sessions.claimInterval({ caseId: 'CLAIM-1', from, to, source: 'test', by: 'OFFICER-9', reason: 'complaint received' });
    t.true(claimed.created);
    t.true(claimed.segments >= 4, `segments: ${claimed.segments}`);
    t.deepEqual(claimed.missing, []);
    const c = await r.store.cases.get('CLAIM-1');
    t.is(c?.status, 'closed');
    t.is(c?.openTrigger.type, 'claim');
    t.deepEqual(c?.officerIds, ['OFFICER-9']);
    t.is(c?.claims?.length, 1);
    const links = await r.store.caseSegments.values(Store.caseSegmentRange('CLAIM-1'));
    t.is(links.length, claimed.segments);
    t.deepEqual([...new Set(links.map((l) => l.channel))].sort(), ['cam1', 'cam2']);
    for (const l of links) t.true(l.start < to);

    // A case recorded now, then its interval claimed for a second case: linked, not copied.
    await recordCase(r, 'CASE-A', 2);
    const aLinks = await r.store.caseSegments.values(Store.caseSegmentRange('CASE-A'));
    const aSegs = await Promise.all(aLinks.map((l) => r.store.segments.get(l.segmentId)));
    const aFrom = Math.min(...aSegs.map((s) => s!.start));
    const aTo = Math.max(...aSegs.map((s) => s!.end));
    const b = await r.sessions.claimInterval({ caseId: 'CASE-B', from: aFrom, to: aTo, source: 'test' });
    t.true(b.segments >= aLinks.length);
    for (const l of aLinks) t.deepEqual((await r.store.segments.get(l.segmentId))?.caseIds.sort(), ['CASE-A', 'CASE-B']);

    // An open case can claim an earlier interval too.
    await r.sessions.open({ caseId: 'CASE-C', trigger: 'investigation.started', source: 'test' });
    const cl = await r.sessions.claimInterval({ caseId: 'CASE-C', from, to, source: 'test' });
    t.false(cl.created);
    t.true(cl.segments >= 4);
    t.is((await r.store.cases.get('CASE-C'))?.status, 'open');

    // Refusals: nothing left, the future, a backwards interval.
    const now = Date.now();
    await t.throwsAsync(r.sessions.claimInterval({ caseId: 'CASE-D', from: now - 3_600_000, to: now - 3_500_000, source: 'test' }), { message: /no footage of .* is left on the device/ });
    await t.throwsAsync(r.sessions.claimInterval({ caseId: 'CASE-D', from: now, to: now + 10_000, source: 'test' }), { message: /future/ });
    await t.throwsAsync(r.sessions.claimInterval({ caseId: 'CASE-D', from: to, to: from, source: 'test' }), { message: /from < to/ });
    await t.throwsAsync(r.sessions.claimInterval({ caseId: '../x', from, to, source: 'test' }), { message: /case ID/ });
    t.is(await r.store.cases.get('CASE-D'), undefined);

    // Part of an interval with nothing left becomes a gap with its cause.
    const partial = await r.sessions.claimInterval({ caseId: 'CASE-E', from: first.start - 20_000, to: first.start + 2000, source: 'test' });
    t.true(partial.missing.some((m) => m.from === first.start - 20_000));
    t.true((await r.store.cases.get('CASE-E'))!.gaps.some((g) => /no footage left on the device/.test(g.cause)));
    for (const id of ['CLAIM-1', 'CASE-A', 'CASE-B', 'CASE-E']) await assertCaseCoverage(t, r, id);

    const types = (await r.journal.forCase('CLAIM-1')).map((e) => e.type);
    t.is(types[0], 'case.claimed');
    t.true(types.includes('segment.sealed'));
    t.true((await r.journal.forCase('CASE-B')).some((e) => e.type === 'segment.linked'));
    t.true((await verifyJournal(r.store)).ok);

    const out = path.join(root, 'claim-bundle');
    const exp = await exportBundle({ store: r.store, journal: r.journal, key: r.deviceKey, evidenceDir: r.paths.evidenceDir, caseId: 'CLAIM-1', outDir: out, operator: 'tester', via: 'test' });
    t.is(exp.manifest.case.claims.length, 1);
    t.is(exp.manifest.segments.length, claimed.segments);
    const v = await cli('verify', out, '--key', path.join(r.paths.keyDir, 'device.pub.pem'));
    t.is(v.code, 0, v.stderr);
  } finally {
    await r.stop();
  }
});

test('without a background budget, footage leaving the pre-record window is not kept', async (t) => {
  const root = await tempDir('casecam-nobg-');
  const r = await startRecorder(testConfig(path.join(root, 'data'), { segmentSeconds: 1, preRecordSeconds: 1, storage: { checkSeconds: 0.5 } }));
  try {
    const first = await nextEvent(r, 'segment.closed');
    await waitFor(() => r.ring.get(first.id) === undefined, 15_000, 'the first segment to age out');
    t.is(r.ring.background().length, 0);
    await t.throwsAsync(access(first.file));
  } finally {
    await r.stop();
  }
});

test('a claim journaled but not yet filed when the service died is filed after the restart', async (t) => {
  const root = await tempDir('casecam-claim-crash-');
  const config = testConfig(path.join(root, 'data'), { segmentSeconds: 1, preRecordSeconds: 1, storage: { backgroundBytes: 200 * 1024 * 1024, checkSeconds: 0.5 } });
  let r = await startRecorder(config);
  const firstClosed = nextEvent(r, 'segment.closed');
  try {
    await firstClosed;
    await sleep(3000);
  } finally {
    await r.stop();
  }
  const first = await firstClosed;
  // What a kill -9 right after `case.claimed` leaves: the claim on a closed case, its
  // footage still in the ring (background), nothing sealed or linked, an unclean stop.
  const now = Date.now();
  const store = await Store.open(r.paths.dbDir, r.log);
  const claim = { from: first.start + 1, to: first.end! - 1, at: now, source: 'test' };
  await store.cases.put('CLAIM-CRASH', {
    id: 'CLAIM-CRASH',
    kind: 'permit-counter',
    status: 'closed',
    deviceId: config.deviceId,
    officerIds: [],
    openTrigger: { type: 'claim', source: 'test', at: now },
    closeTrigger: { type: 'claim', source: 'test', at: now },
    windowStart: claim.from,
    windowEnd: claim.to,
    markers: [],
    gaps: [],
    closedAt: now,
    claims: [claim],
  });
  await store.setMeta({ cleanShutdown: false });
  await store.close();

  r = await startRecorder(config);
  try {
    await r.sessions.idle();
    const links = await r.store.caseSegments.values(Store.caseSegmentRange('CLAIM-CRASH'));
    t.deepEqual(links.map((l) => l.segmentId), [first.id], 'the claimed footage is filed under its case');
    t.deepEqual((await r.store.segments.get(first.id))?.caseIds, ['CLAIM-CRASH']);
  } finally {
    await r.stop();
  }
});
