/** The durable outbox on a real LevelDB: order, persistence, resending after a lost connection, bounds. */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../src/store/store.js';
import { silentLogger } from '../../src/core/logger.js';
import { Outbox, type DropReport, type NewItem } from '../../src/uplink/outbox.js';
import type { OutboxItem } from '../../src/store/outbox-record.js';

const log = silentLogger();

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function makeOutbox(store: Store, limits: Partial<{ maxBytes: number; maxAgeMs: number; window: number }> = {}, now = () => Date.now(), onDrop?: (r: DropReport) => void) {
  return new Outbox({
    table: store.outbox,
    clock: { now },
    log,
    limits: { maxBytes: 1 << 30, maxAgeMs: 1e12, window: 8, ...limits },
    onDrop,
  });
}

const item = (n: number, priority: OutboxItem['priority'] = 'critical', size = 10): NewItem => ({
  topic: 't',
  payload: String(n).padEnd(size, '.'),
  qos: 1,
  retain: false,
  priority,
});

test('items survive a restart and leave in order, only once acknowledged', async (t) => {
  await withStore(async (dir) => {
    let store = await Store.open(dir, log);
    let box = makeOutbox(store);
    await box.start();
    for (let i = 0; i < 50; i++) await box.enqueue(item(i));
    await box.stop();
    await store.close();

    store = await Store.open(dir, log);
    box = makeOutbox(store);
    await box.start();
    t.is(box.depth(), 50);
    const got: string[] = [];
    box.attach(async (it) => {
      got.push(it.payload.replace(/\.+$/, ''));
    });
    await box.drained();
    await box.stop();
    t.deepEqual(got, Array.from({ length: 50 }, (_, i) => String(i)));
    t.is((await store.outbox.values()).length, 0);
    await store.close();
  });
});

test('a lost connection sends the unacknowledged again, in order, from the oldest', async (t) => {
  await withStore(async (dir) => {
    const store = await Store.open(dir, log);
    const box = makeOutbox(store, { window: 4 });
    await box.start();
    for (let i = 0; i < 20; i++) await box.enqueue(item(i));
    const first: number[] = [];
    let n = 0;
    box.attach(async (it) => {
      n++;
      // The 7th publish finds the connection gone.
      if (n === 7) throw new Error('connection closed');
      if (n > 7) return new Promise(() => undefined);
      first.push(it.seq);
    });
    await new Promise((r) => setTimeout(r, 100));
    const second: number[] = [];
    box.attach(async (it) => {
      second.push(it.seq);
    });
    await box.drained();
    await box.stop();
    const delivered = [...first, ...second];
    // Every seq arrives; the first delivery of each is in order.
    const firstSeen = delivered.filter((s, i) => delivered.indexOf(s) === i);
    t.deepEqual(firstSeen, Array.from({ length: 20 }, (_, i) => i));
    t.deepEqual(second, [...second].sort((a, b) => a - b));
    await store.close();
  });
});

test('when full it drops health first, then replies, never case or alarm events, and reports it', async (t) => {
  await withStore(async (dir) => {
    const store = await Store.open(dir, log);
    const drops: DropReport[] = [];
    // Each item is ~10 + 1 + 64 = 75 bytes; room for 10.
    const box = makeOutbox(store, { maxBytes: 750 }, Date.now, (r) => drops.push(r));
    await box.start();
    for (let i = 0; i < 6; i++) await box.enqueue(item(i, 'telemetry'));
    for (let i = 6; i < 9; i++) await box.enqueue(item(i, 'normal'));
    for (let i = 9; i < 20; i++) await box.enqueue(item(i, 'critical'));
    await box.stop();
    const left = await store.outbox.values();
    t.deepEqual(left.filter((x) => x.priority === 'critical').length, 11, 'every critical item kept, even over the bound');
    t.is(left.filter((x) => x.priority === 'telemetry').length, 0);
    t.is(left.filter((x) => x.priority === 'normal').length, 0);
    t.is(box.dropped.telemetry, 6);
    t.is(box.dropped.normal, 3);
    t.true(drops.some((d) => d.priority === 'telemetry') && drops.some((d) => d.priority === 'normal'));
    // Telemetry went before any reply was touched.
    const firstNormal = drops.findIndex((d) => d.priority === 'normal');
    t.is(drops.slice(0, firstNormal).reduce((n, d) => n + (d.priority === 'telemetry' ? d.count : 0), 0), 6);
    await store.close();
  });
});

test('telemetry and replies older than the age bound are dropped; critical items are not', async (t) => {
  await withStore(async (dir) => {
    const store = await Store.open(dir, log);
    let now = 1_000_000;
    const box = makeOutbox(store, { maxAgeMs: 60_000 }, () => now);
    await box.start();
    await box.enqueue(item(0, 'telemetry'));
    await box.enqueue(item(1, 'normal'));
    await box.enqueue(item(2, 'critical'));
    now += 61_000;
    await box.enqueue(item(3, 'telemetry'));
    await box.stop();
    const left = (await store.outbox.values()).map((x) => x.seq);
    t.deepEqual(left, [2, 3]);
    await store.close();
  });
});
