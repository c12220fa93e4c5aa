/**
 * Disk pressure under a small storage budget, with a real recording (one channel,
 * 1 s segments of ~120 kB): background footage goes first, then case footage whose
 * offload is confirmed; case footage not offloaded is never evicted, the alarms are
 * raised, the ring shrinks and recording goes on; the journal names every eviction.
 */
import test from 'ava';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { cli, nextEvent, recordCase, startRecorder } from './helpers.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { Store } from '../../src/store/store.js';
import { verifyJournal } from '../../src/evidence/journal.js';
import { sha256File } from '../../src/core/durable-files.js';
import type { AlarmEvent } from '../../src/core/events.js';

/** About one 1-second segment at 160x120 (PCM audio is most of it). */
const S = 125_000;

test('storage full: evictions in order and journaled, case evidence kept, alarm raised, recording goes on', async (t) => {
  const root = await tempDir('casecam-retention-');
  const data = path.join(root, 'data');
  const config = testConfig(data, {
    channels: 1,
    segmentSeconds: 1,
    preRecordSeconds: 1,
    postRecordSeconds: 1,
    storage: { budgetBytes: 8 * S, lowFreePercent: 25, reserveBytes: 1.5 * S, backgroundBytes: 2 * S, checkSeconds: 0.25 },
  });
  const r = await startRecorder(config);
  const closedIds = new Set<string>();
  r.bus.on('segment.closed', (s) => void closedIds.add(s.id));
  const alarms: AlarmEvent[] = [];
  r.bus.on('alarm.raised', (a) => void alarms.push(a));
  // Background footage goes first: when evidence files are evicted, none may be left.
  const backgroundLeftAtSealedEviction: number[] = [];
  r.bus.on('storage.evicted', (e) => {
    if (e.kind === 'sealed') backgroundLeftAtSealedEviction.push(r.ring.background().length);
  });
  let aIds: string[] = [];
  let bSealedAtFull = 0;
  try {
    await waitFor(() => r.ring.background().length >= 1, 10_000, 'background footage');
    await recordCase(r, 'A', 1);
    aIds = (await r.store.caseSegments.values(Store.caseSegmentRange('A'))).map((l) => l.segmentId);
    t.true(aIds.length >= 3, `A has ${aIds.length} segments`);
    await r.retention.pass();
    // Not offloaded: however short the space, A stays whole.
    for (const id of aIds) t.is((await r.store.segments.get(id))?.evictedAt, undefined);

    await r.markOffloaded(aIds, { target: 's3://test-bucket/A', by: 'test' });
    const full = nextEvent(r, 'alarm.raised', (a) => a.kind === 'storage.full', 25_000);
    await r.sessions.open({ caseId: 'B', trigger: 'investigation.started', source: 'test' });
    await full;
    await waitFor(
      async () => {
        const a = await Promise.all(aIds.map((id) => r.store.segments.get(id)));
        return r.retention.status()?.full === true && a.every((s) => s?.evictedAt !== undefined || s?.caseIds.includes('B'));
      },
      25_000,
      'storage full with nothing left to evict',
    );
    bSealedAtFull = (await r.store.caseSegments.values(Store.caseSegmentRange('B'))).length;
    // Recording goes on: B keeps getting sealed segments with the store full.
    await waitFor(async () => (await r.store.caseSegments.values(Store.caseSegmentRange('B'))).length >= bSealedAtFull + 2, 10_000, 'two more segments in B');
    const bClosed = nextEvent(r, 'case.closed', (e) => e.caseId === 'B');
    await r.sessions.close({ caseId: 'B', trigger: 'documents.served', source: 'test' });
    await bClosed;
  } finally {
    await r.stop();
  }

  t.true(alarms.some((a) => a.kind === 'storage.low'), 'storage.low raised');
  t.true(alarms.some((a) => a.kind === 'storage.full'), 'storage.full raised');

  const store = await Store.open(path.join(data, 'db'), (await import('../../src/core/logger.js')).silentLogger());
  try {
    const entries = await store.journal.values();
    const evictions = entries.filter((e) => e.type === 'storage.evicted');
    const evictedIds = (kind: string) =>
      new Set(evictions.filter((e) => e.data.kind === kind).flatMap((e) => (e.data.segments as Array<{ id: string }>).map((s) => s.id)));
    const bgEvicted = evictedIds('background');
    const sealedEvicted = evictedIds('sealed');
    t.true(bgEvicted.size >= 1, 'background footage was evicted');
    // A's footage went, except what B (open until the end) shares: never while a case records.
    const bIds = new Set((await store.caseSegments.values(Store.caseSegmentRange('B'))).map((l) => l.segmentId));
    for (const id of aIds) if (!bIds.has(id)) t.true(sealedEvicted.has(id), `${id} of A was evicted`);
    for (const id of sealedEvicted) {
      const s = (await store.segments.get(id))!;
      t.true(s.caseIds.includes('A'), `${id} is A's offloaded footage`);
      for (const c of s.caseIds) t.true((await store.cases.get(c))!.closedAt! <= s.evictedAt!, `${id} evicted while case ${c} was recording`);
    }

    t.true(backgroundLeftAtSealedEviction.length >= 1);
    t.deepEqual(backgroundLeftAtSealedEviction.filter((n) => n > 0), [], 'no background footage was left when offloaded footage went');
    // Nothing was evicted before its offload was confirmed.
    for (const id of sealedEvicted) {
      const s = await store.segments.get(id);
      t.true(s!.offloadedAt! <= s!.evictedAt!, `${id} evicted after its offload`);
      await t.throwsAsync(access(path.join(data, 'evidence', s!.file)));
    }

    // B's own footage, never offloaded, is whole: every file there and matching its sealed hash.
    const bLinks = await store.caseSegments.values(Store.caseSegmentRange('B'));
    t.true(bLinks.length >= bSealedAtFull + 2);
    for (const l of bLinks) {
      const s = (await store.segments.get(l.segmentId))!;
      if (s.offloadedAt !== undefined) continue; // shared with A and offloaded: checked above
      t.is(s.evictedAt, undefined);
      t.is((await sha256File(path.join(data, 'evidence', s.file))).sha256, s.sha256);
    }
    t.deepEqual((await store.cases.get('B'))?.gaps, [], 'no gap in B while the store was full');

    // Every segment ever recorded is either still there or named by an eviction entry.
    for (const id of closedIds) {
      const seg = await store.segments.get(id);
      if (seg) {
        if (seg.evictedAt === undefined) await access(path.join(data, 'evidence', seg.file));
        else t.true(sealedEvicted.has(id), `${id} evicted without an entry`);
        continue;
      }
      const ringRow = await store.ring.get(id);
      if (ringRow) await access(ringRow.file);
      else t.true(bgEvicted.has(id), `${id} is gone with no journal entry`);
    }
    t.true(entries.some((e) => e.type === 'storage.ring.shrunk'));
    t.true(entries.some((e) => e.type === 'offload.confirmed'));
    t.true(entries.some((e) => e.type === 'alarm.raised' && e.data.kind === 'storage.full'));
    t.true((await verifyJournal(store)).ok);
  } finally {
    await store.close();
  }

  // A's bundle lists its evicted footage; B's bundle verifies.
  const out = path.join(root, 'bundle-B');
  const e = await cli('case', 'export', 'B', '--data', data, '--out', out, '--operator', 'tester');
  t.is(e.code, 0, e.stderr);
  const v = await cli('verify', out, '--key', path.join(data, 'keys', 'device.pub.pem'));
  t.is(v.code, 0, v.stderr);
  const outA = path.join(root, 'bundle-A');
  const ea = await cli('case', 'export', 'A', '--data', data, '--out', outA);
  t.is(ea.code, 0, ea.stderr);
  const manifestA = JSON.parse(await (await import('node:fs/promises')).readFile(path.join(outA, 'manifest.json'), 'utf8')) as { segments: unknown[]; evicted: Array<{ offloadTarget?: string }> };
  t.is(manifestA.segments.length + manifestA.evicted.length, aIds.length);
  t.true(manifestA.evicted.length >= 1);
  t.is(manifestA.evicted[0]?.offloadTarget, 's3://test-bucket/A');
  const va = await cli('verify', outA);
  t.is(va.code, 0, va.stderr);
});
