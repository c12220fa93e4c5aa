/**
 * The case book carries out the rules' decisions on a real LevelDB: records and journal
 * entry in one batch, memory and events only after that write, one change at a time.
 */
import test from 'ava';
import path from 'node:path';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { Journal } from '../../src/evidence/journal.js';
import { CaseBook } from '../../src/recording/case-book.js';
import { CaseRules } from '../../src/recording/case-rules.js';
import { tempDir } from '../helpers/test-config.js';

const log = silentLogger();
let now = 1_800_000_000_000;
const clock = { now: () => now };
const rules = new CaseRules({ deviceId: 'DEV-1', kind: 'counter', channels: ['cam1'], preRecordSeconds: 5, postRecordSeconds: 0, segmentSeconds: 2 });

async function book() {
  const store = await Store.open(path.join(await tempDir('casecam-book-'), 'db'), log);
  const journal = await Journal.open(store, clock, log);
  const bus = new Bus(log);
  const events: string[] = [];
  bus.on('case.opened', (e) => void events.push(`opened ${e.caseId}`));
  bus.on('case.marker', (e) => void events.push(`marker ${e.caseId}`));
  bus.on('osd.changed', () => void events.push('osd'));
  return { store, journal, events, book: new CaseBook({ store, journal, bus, clock, log }) };
}

test('a decision is written with its journal entry, then held in memory and announced', async (t) => {
  const { store, journal, events, book: b } = await book();
  const opened = await b.change((active, at) => rules.open(active, { request: { caseId: 'A-1', trigger: 'application.accepted', source: 'test' } }, at));
  t.deepEqual(opened, { caseId: 'A-1', created: true });
  t.like(await store.cases.get('A-1'), { status: 'open', windowStart: now - 5000 });
  t.deepEqual(
    (await journal.forCase('A-1')).map((e) => e.type),
    ['case.opened'],
  );
  t.is(b.get('A-1')?.status, 'open');
  t.deepEqual(events, ['opened A-1', 'osd']);

  now += 1000;
  await b.change((active, at) => rules.marker(active, { type: 'inquiry', source: 'test' }, at));
  t.is((await store.cases.get('A-1'))?.markers.length, 1);
  t.deepEqual(
    (await journal.forCase('A-1')).map((e) => e.type),
    ['case.opened', 'case.marker'],
  );
  await store.close();
});

test('a refused command and a failed write change nothing in memory, announce nothing, and the queue goes on', async (t) => {
  const { store, events, book: b } = await book();
  await b.change((active, at) => rules.open(active, { request: { caseId: 'B-2', trigger: 'application.accepted', source: 'test' } }, at));
  events.splice(0);

  await t.throwsAsync(
    b.change((active, at) => rules.marker(active, { caseId: 'NOPE', type: 'inquiry', source: 'test' }, at)),
    { message: /NOPE is not open/ },
  );
  const held = b.get('B-2');

  await store.close(); // every write fails from here on
  await t.throwsAsync(b.change((active, at) => rules.close(active, { caseId: 'B-2', trigger: 'documents.served', source: 'test' }, at)));
  t.is(b.get('B-2'), held, 'the record in memory is the one last written');
  t.is(b.get('B-2')?.status, 'open');
  t.deepEqual(events, []);
  t.is(b.queue.size, 0);
});
