/**
 * The journal on a real LevelDB: the chain verifies, and every way of tampering with
 * stored entries (change, change and re-hash, delete, delete the end, reorder) is
 * caught with its reason, by verifyJournal and by `casecam journal verify`.
 */
import test from 'ava';
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import type { BatchOp } from '../../src/store/table.js';
import { Journal, verifyJournal } from '../../src/evidence/journal.js';
import { entryHash } from '../../src/evidence/journal-hash.js';
import { cli } from './helpers.js';
import { tempDir } from '../helpers/test-config.js';

let clockMs = 1_800_000_000_000;
const clock = { now: () => ++clockMs };

async function journalWith(n: number): Promise<{ dir: string; store: Store; journal: Journal }> {
  const dir = await tempDir('casecam-journal-');
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  const journal = await Journal.open(store, clock, silentLogger());
  for (let i = 0; i < n; i++) {
    const opts = { caseIds: i % 3 === 0 ? ['淮交罚〔2018〕86号'] : [] };
    if (i % 2) await journal.append('case.marker', { at: i, type: 'note', note: `entry ${i}` }, opts);
    else await journal.append('alarm.raised', { kind: 'test', subject: `entry ${i}`, message: `entry ${i}`, at: i }, opts);
  }
  return { dir, store, journal };
}

const raw = async (store: Store, seq: number) => JSON.parse((await store.journal.sub.get(Store.seqKey(seq)))!) as Record<string, unknown>;
const putRaw = (store: Store, seq: number, value: unknown) => store.journal.sub.put(Store.seqKey(seq), JSON.stringify(value));

test('an untampered chain verifies, here and with casecam journal verify', async (t) => {
  const { dir, store, journal } = await journalWith(10);
  t.deepEqual(journal.head()?.seq, 9);
  const r = await verifyJournal(store);
  t.true(r.ok, r.problems.join('; '));
  t.is(r.entries, 10);
  const first = await raw(store, 0);
  t.is(first.prevHash, '0'.repeat(64));
  t.is((await raw(store, 1)).prevHash, first.hash);
  t.is((await journal.forCase('淮交罚〔2018〕86号')).map((e) => e.seq).join(','), '0,3,6,9');
  await store.close();
  const c = await cli('journal', 'verify', '--data', dir);
  t.is(c.code, 0, c.stderr);
  t.regex(c.stdout, /intact: 10 entries/);
});

test('a changed entry is caught: its hash no longer recomputes', async (t) => {
  const { store } = await journalWith(6);
  const e = await raw(store, 3);
  await putRaw(store, 3, { ...e, data: { ...(e.data as object), note: 'rewritten' } });
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /entry 3 was changed after it was written/.test(p)), r.problems.join('; '));
  await store.close();
});

test('a changed and re-hashed entry is caught by the next entry\'s link', async (t) => {
  const { store } = await journalWith(6);
  const e = await raw(store, 2);
  const forged: Record<string, unknown> = { ...e, data: { i: 2, note: 'forged' } };
  forged.hash = entryHash(forged);
  await putRaw(store, 2, forged);
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /entry 3 does not follow entry 2/.test(p)), r.problems.join('; '));
  await store.close();
});

test('a deleted entry is caught as a hole', async (t) => {
  const { dir, store } = await journalWith(6);
  await store.journal.sub.del(Store.seqKey(2));
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /entries 2–2 are missing/.test(p)), r.problems.join('; '));
  await store.close();
  const c = await cli('journal', 'verify', '--data', dir);
  t.is(c.code, 1);
  t.regex(c.stderr, /entries 2–2 are missing/);
});

test('entries deleted from the end are caught by the head anchor', async (t) => {
  const { store } = await journalWith(6);
  await store.journal.sub.del(Store.seqKey(5));
  await store.journal.sub.del(Store.seqKey(4));
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /entries 4–5 were removed from the end/.test(p)), r.problems.join('; '));
  // Reopening notices it too, and appends after the real end without overwriting anything.
  const j = await Journal.open(store, clock, silentLogger());
  t.true(j.openProblems.some((p) => /head anchor names entry 5/.test(p)));
  await store.close();
});

test('reordered (swapped) entries are caught', async (t) => {
  const { store } = await journalWith(6);
  const a = await raw(store, 1);
  const b = await raw(store, 2);
  await putRaw(store, 1, b);
  await putRaw(store, 2, a);
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /stored as 1 says it is 2 \(moved or reordered\)/.test(p)), r.problems.join('; '));
  t.true(r.problems.some((p) => /does not follow/.test(p)));
  await store.close();
});

test('an append and the state it records are one batch: a failing op writes neither', async (t) => {
  const { store, journal } = await journalWith(2);
  // Not a valid op (no value): LevelDB refuses the whole batch.
  const bad = { type: 'put', sublevel: store.cases.sub, key: 'x', value: undefined } as unknown as BatchOp;
  await t.throwsAsync(journal.append('store.migrated', { from: 1, to: 2, what: 'one' }, { ops: [bad] }));
  t.is(journal.head()?.seq, 1);
  t.is(await store.journal.sub.get(Store.seqKey(2)), undefined);
  const e = await journal.append('store.migrated', { from: 1, to: 2, what: 'two' });
  t.is(e.seq, 2);
  t.true((await verifyJournal(store)).ok);
  await store.close();
});

test('a damaged last entry is reported on open and the chain goes on without overwriting it', async (t) => {
  const { store } = await journalWith(3);
  await store.journal.sub.put(Store.seqKey(2), '{"not":"an entry"');
  const j = await Journal.open(store, clock, silentLogger());
  t.true(j.openProblems.some((p) => /last journal entry \(2\) is damaged/.test(p)));
  const e = await j.append('journal.damaged', { problems: j.openProblems });
  t.is(e.seq, 3);
  t.is(await store.journal.sub.get(Store.seqKey(2)), '{"not":"an entry"');
  const r = await verifyJournal(store);
  t.false(r.ok);
  t.true(r.problems.some((p) => /entry 2 is not JSON/.test(p)));
  await store.close();
});
