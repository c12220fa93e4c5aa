/** The store's schema version and its migration path (v1 → v2), on a real LevelDB. */
import test from 'ava';
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { SCHEMA_VERSION } from '../../src/store/records.js';
import { verifyJournal } from '../../src/evidence/journal.js';
import { entryHash } from '../../src/evidence/journal-hash.js';
import { tempDir } from '../helpers/test-config.js';

const v1Segment = (id: string, start: number) => ({
  id,
  channel: 'cam1',
  file: `2026-01-01/${id}.mkv`,
  start,
  end: start + 2000,
  bytes: 1000,
  sha256: 'a'.repeat(64),
  runningStartNs: '0',
  sealedAt: start + 2100,
});

test('a v1 store is migrated to v2: segments name their cases, the journal gets its index and anchor', async (t) => {
  const dir = path.join(await tempDir('casecam-migrate-'), 'db');
  let store = await Store.open(dir, silentLogger());
  // Write what a v1 store held, bypassing the v2 schemas.
  await store.meta.sub.put('meta', JSON.stringify({ schemaVersion: 1, cleanShutdown: true }));
  await store.segments.sub.put('cam1_1700000000000_00000', JSON.stringify(v1Segment('cam1_1700000000000_00000', 1_700_000_000_000)));
  await store.segments.sub.put('cam1_1700000000000_00001', JSON.stringify(v1Segment('cam1_1700000000000_00001', 1_700_000_002_000)));
  await store.caseSegments.put(Store.caseSegmentKey('A-1', 'cam1_1700000000000_00000'), { caseId: 'A-1', segmentId: 'cam1_1700000000000_00000', channel: 'cam1', start: 1 });
  const body = { seq: 0, at: 1, type: 'case.opened', caseIds: ['A-1'], data: {}, prevHash: '0'.repeat(64) };
  await store.journal.sub.put(Store.seqKey(0), JSON.stringify({ ...body, hash: entryHash(body) }));
  await store.close();

  store = await Store.open(dir, silentLogger());
  t.deepEqual(store.migrations.map((m) => [m.from, m.to]), [[1, 2]]);
  t.is((await store.getMeta()).schemaVersion, SCHEMA_VERSION);
  t.deepEqual((await store.segments.get('cam1_1700000000000_00000'))?.caseIds, ['A-1']);
  t.deepEqual((await store.segments.get('cam1_1700000000000_00001'))?.caseIds, []);
  t.is((await store.journalHead.get('head'))?.seq, 0);
  t.deepEqual(await store.caseJournal.values(Store.caseJournalRange('A-1')), [{ seq: 0 }]);
  t.true((await verifyJournal(store)).ok);
  await store.close();

  // Opened again: nothing more to migrate.
  store = await Store.open(dir, silentLogger());
  t.deepEqual(store.migrations, []);
  await store.close();
});

test('a store from a newer casecam is refused, not half-read', async (t) => {
  const dir = path.join(await tempDir('casecam-future-'), 'db');
  const store = await Store.open(dir, silentLogger());
  await store.meta.put('meta', { schemaVersion: SCHEMA_VERSION + 1, cleanShutdown: true });
  await store.close();
  await t.throwsAsync(Store.open(dir, silentLogger()), { message: /newer than this casecam/ });
  // The refusal closed the database: a second attempt gets the same answer, not "in use".
  await t.throwsAsync(Store.open(dir, silentLogger()), { message: /newer than this casecam/ });
});

test('segmentsOverlapping walks a channel back in time and stops early', async (t) => {
  const dir = path.join(await tempDir('casecam-overlap-'), 'db');
  const store = await Store.open(dir, silentLogger());
  const put = (run: number, index: number, start: number, extra: object = {}) => {
    const id = `cam1_${run}_${String(index).padStart(5, '0')}`;
    return store.segments.put(id, { ...v1Segment(id, start), caseIds: [], ...extra });
  };
  const run1 = 1_700_000_000_000;
  const run2 = 1_700_000_100_000;
  for (let i = 0; i < 5; i++) await put(run1, i, run1 + i * 2000);
  for (let i = 0; i < 5; i++) await put(run2, i, run2 + i * 2000, i === 2 ? { evictedAt: 1 } : {});
  await store.segments.put('cam10_1700000000000_00000', { ...v1Segment('cam10_1700000000000_00000', run1), channel: 'cam10', caseIds: [] });
  const ids = async (from: number, to: number) => (await store.segmentsOverlapping('cam1', from, to)).map((s) => s.id.slice(5));
  t.deepEqual(await ids(run1 + 3000, run1 + 7000), ['1700000000000_00001', '1700000000000_00002', '1700000000000_00003']);
  t.deepEqual(await ids(run1 + 9000, run2 + 5000), ['1700000000000_00004', '1700000100000_00000', '1700000100000_00001']);
  t.deepEqual(await ids(run2 + 3000, run2 + 7000), ['1700000100000_00001', '1700000100000_00003'], 'evicted rows are not offered');
  t.deepEqual(await ids(run1 - 5000, run1), []);
  await store.close();
});
