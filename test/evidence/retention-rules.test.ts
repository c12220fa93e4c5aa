/**
 * Retention's rules on a real LevelDB without pipelines: what may be evicted and in
 * which order, that evidence not offloaded survives any budget with an alarm instead,
 * and that recovery finishes an eviction a crash cut short.
 */
import test from 'ava';
import { mkdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { Bus } from '../../src/core/bus.js';
import { SerialQueue } from '../../src/core/serial-queue.js';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { Ring } from '../../src/media/ring.js';
import { Journal, verifyJournal } from '../../src/evidence/journal.js';
import { Retention, evictable } from '../../src/evidence/retention.js';
import { StorageSchema, type StorageConfig } from '../../src/config/schema.js';
import type { AlarmEvent } from '../../src/core/events.js';
import type { SegmentRecord } from '../../src/store/records.js';
import type { CaseWindow } from '../../src/core/case-window.js';
import type { RingSegment } from '../../src/core/segment.js';
import { tempDir } from '../helpers/test-config.js';

const NOW = 1_800_000_000_000;
const clock = { now: () => NOW };
const log = silentLogger();

function seg(id: string, start: number, extra: Partial<SegmentRecord> = {}): SegmentRecord {
  return { id, channel: 'cam1', file: `d/${id}.mkv`, start, end: start + 2000, bytes: 1000, sha256: 'b'.repeat(64), runningStartNs: '0', sealedAt: start, caseIds: [], ...extra };
}

async function setup(storage: Partial<StorageConfig>, active: string[] = [], windows: CaseWindow[] = []) {
  // `active` may change during a test: the case windows are read on every call.
  const dir = await tempDir('casecam-rules-');
  const store = await Store.open(path.join(dir, 'db'), log);
  const journal = await Journal.open(store, clock, log);
  const bus = new Bus(log);
  const alarms: AlarmEvent[] = [];
  bus.on('alarm.raised', (a) => void alarms.push(a));
  const ring = new Ring(store, log);
  const evidenceDir = path.join(dir, 'evidence');
  const retention = new Retention({
    store,
    journal,
    ring,
    bus,
    clock,
    log,
    // `active`: windows that overlap no ring segment (only their IDs matter); `windows`: real ones.
    cases: { windows: () => [...active.map((id) => ({ id, windowStart: 0, windowEnd: 0 })), ...windows] },
    sealQueue: new SerialQueue(),
    settings: StorageSchema.parse(storage),
    evidenceDir,
    backgroundDir: path.join(dir, 'background'),
    preRecordSeconds: 2,
    segmentSeconds: 2,
    fsStats: async () => ({ total: 1e12, free: 1e12 }),
  });
  return { dir, store, journal, ring, retention, alarms, evidenceDir, bus };
}

async function putSealed(store: Store, evidenceDir: string, rec: SegmentRecord): Promise<void> {
  await mkdir(path.join(evidenceDir, 'd'), { recursive: true });
  await writeFile(path.join(evidenceDir, rec.file), Buffer.alloc(rec.bytes));
  await store.segments.put(rec.id, rec);
}

test('the rule: unclaimed footage, or offloaded footage of closed cases only', (t) => {
  const none = new Set<string>();
  t.true(evictable(seg('a', 0), none));
  t.false(evictable(seg('b', 0, { caseIds: ['C1'] }), none));
  t.true(evictable(seg('c', 0, { caseIds: ['C1'], offloadedAt: 1 }), none));
  t.false(evictable(seg('d', 0, { caseIds: ['C1', 'C2'], offloadedAt: 1 }), new Set(['C2'])), 'a case still recording keeps its footage');
});

test('under a budget: unclaimed goes first, then offloaded; case footage not offloaded stays and the alarms are raised', async (t) => {
  const { store, journal, retention, alarms, evidenceDir } = await setup({ budgetBytes: 3500, lowFreePercent: 20, reserveBytes: 600 });
  await putSealed(store, evidenceDir, seg('cam1_1_00000', NOW - 50_000, { caseIds: ['OLD'], offloadedAt: NOW - 1000 }));
  await putSealed(store, evidenceDir, seg('cam1_1_00001', NOW - 40_000));
  await putSealed(store, evidenceDir, seg('cam1_1_00002', NOW - 30_000, { caseIds: ['KEEP'] }));
  await putSealed(store, evidenceDir, seg('cam1_1_00003', NOW - 20_000, { caseIds: ['KEEP'] }));
  await putSealed(store, evidenceDir, seg('cam1_1_00004', NOW - 10_000, { caseIds: ['KEEP'] }));
  await retention.start();
  await retention.pass();
  await retention.stop();

  const evicted = (await store.journal.values()).filter((e) => e.type === 'storage.evicted');
  const ids = evicted.flatMap((e) => (e.data.segments as Array<{ id: string }>).map((s) => s.id));
  t.deepEqual(ids, ['cam1_1_00001', 'cam1_1_00000'], 'unclaimed first, then offloaded, oldest first');
  for (const id of ids) await t.throwsAsync(access(path.join(evidenceDir, 'd', `${id}.mkv`)));
  for (const id of ['cam1_1_00002', 'cam1_1_00003', 'cam1_1_00004']) {
    t.is((await store.segments.get(id))?.evictedAt, undefined);
    await access(path.join(evidenceDir, 'd', `${id}.mkv`));
  }
  t.deepEqual(alarms.map((a) => a.kind).sort(), ['storage.full', 'storage.low']);
  t.true((await journal.forCase('OLD')).some((e) => e.type === 'storage.evicted'), 'the case journal shows its offloaded footage went');
  t.deepEqual(retention.status()?.shrunk, true);
  t.true((await verifyJournal(store)).ok);
  await store.close();
});

test('a crash after the eviction was journaled leaves the file: recovery finishes it', async (t) => {
  const { store, ring, evidenceDir } = await setup({});
  await putSealed(store, evidenceDir, seg('cam1_1800000000000_00000', NOW, { evictedAt: NOW }));
  const { recover } = await import('../../src/recording/recovery.js');
  const report = await recover({ store, ring, sealer: undefined as never, ringDir: path.join(evidenceDir, 'no-ring'), evidenceDir, segmentSeconds: 2, channels: ['cam1'], log });
  t.deepEqual(report.evictionsFinished, ['cam1_1800000000000_00000']);
  await t.throwsAsync(access(path.join(evidenceDir, 'd', 'cam1_1800000000000_00000.mkv')));
  await store.close();
});

test('offloaded footage of a case still recording waits until the case closes', async (t) => {
  const active = ['LIVE'];
  const { store, retention, evidenceDir, bus } = await setup({ budgetBytes: 2000, lowFreePercent: 20, reserveBytes: 100 }, active);
  await putSealed(store, evidenceDir, seg('cam1_1_00000', NOW - 20_000, { caseIds: ['LIVE'], offloadedAt: NOW - 5000 }));
  await putSealed(store, evidenceDir, seg('cam1_1_00001', NOW - 10_000, { caseIds: ['LIVE'], offloadedAt: NOW - 5000 }));
  await retention.start();
  await retention.pass();
  t.is((await store.segments.get('cam1_1_00000'))?.evictedAt, undefined, 'kept while LIVE records');
  active.splice(0);
  bus.emit('case.closed', { caseId: 'LIVE', at: NOW, trigger: 'documents.served', segments: 2, gaps: 0 });
  await retention.pass();
  await retention.stop();
  t.is((await store.segments.get('cam1_1_00000'))?.evictedAt, NOW, 'evicted once LIVE closed');
  await store.close();
});

test('a segment row that is not JSON neither stops the budget count nor ends the service', async (t) => {
  const { store, retention, evidenceDir } = await setup({ budgetBytes: 1e9 });
  await putSealed(store, evidenceDir, seg('cam1_1_00000', NOW - 10_000));
  await store.segments.sub.put('cam1_1_00001', '{"id":"cam1_1_00001","bytes":'); // a damaged row
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    await retention.start();
    await new Promise((r) => setTimeout(r, 300)); // the count runs in the background before the first pass
    await retention.pass();
    await retention.stop();
    t.deepEqual(unhandled.map(String), []);
    t.is(retention.status()?.evidenceBytes, 1000, 'the sound row is counted, the damaged one skipped');
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await store.close();
  }
});

test('ring footage inside the window of a case still recording stays; the rest leaves with the pre-record window', async (t) => {
  const { dir, store, ring, retention } = await setup({}, [], [{ id: 'OPEN', windowStart: NOW - 30_000 }]);
  const ringDir = path.join(dir, 'ring');
  await mkdir(ringDir, { recursive: true });
  const inRing = async (index: number, start: number): Promise<RingSegment> => {
    const id = `cam1_1800000000000_0000${index}`;
    const file = path.join(ringDir, `${id}.mkv`);
    await writeFile(file, Buffer.alloc(100));
    const s: RingSegment = { id, channel: 'cam1', runId: '1800000000000', index, file, start, runningStartNs: '0' };
    await ring.opened(s);
    await ring.closed({ ...s, end: start + 2000 });
    return s;
  };
  // Both ended long before the pre-record window (2 s + two segments); only one is in the open case's window.
  const old = await inRing(0, NOW - 60_000);
  const wanted = await inRing(1, NOW - 20_000);
  await retention.start();
  await retention.pass();
  await retention.stop();
  t.deepEqual(
    ring.all().map((e) => e.id),
    [wanted.id],
  );
  await t.throwsAsync(access(old.file), undefined, 'unclaimed and unwanted: its file is gone');
  t.is(await store.ring.get(old.id), undefined);
  await access(wanted.file);
  t.truthy(await store.ring.get(wanted.id), 'still wanted: kept in the ring, row and file');
  await store.close();
});
