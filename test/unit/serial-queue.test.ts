/** The one serial queue: order kept, one task at a time, a failed task never breaks the queue. */
import test from 'ava';
import { SerialQueue, drainAll } from '../../src/core/serial-queue.js';

/** A promise with its resolve/reject outside, so a test decides when a task finishes. */
function gate<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('tasks run one at a time, in the order queued, and each gets its own result', async (t) => {
  const q = new SerialQueue();
  const log: string[] = [];
  const first = gate<string>();
  const a = q.run(async () => {
    log.push('a start');
    const v = await first.promise;
    log.push('a end');
    return v;
  });
  const b = q.run(() => {
    log.push('b');
    return 2;
  });
  const c = q.run(async () => {
    log.push('c');
    return 'c';
  });
  await new Promise((r) => setImmediate(r));
  t.deepEqual(log, ['a start'], 'b waits while a is running');
  t.is(q.size, 3);
  first.resolve('a');
  t.deepEqual(await Promise.all([a, b, c]), ['a', 2, 'c']);
  t.deepEqual(log, ['a start', 'a end', 'b', 'c']);
  await q.settled();
  t.is(q.size, 0);
});

test('a task that throws or rejects fails only its own promise; the next one runs', async (t) => {
  const q = new SerialQueue();
  const thrown = q.run(() => {
    throw new Error('sync failure');
  });
  const rejected = q.run(async () => {
    throw new Error('async failure');
  });
  const after = q.run(() => 'still running');
  await t.throwsAsync(thrown, { message: 'sync failure' });
  await t.throwsAsync(rejected, { message: 'async failure' });
  t.is(await after, 'still running');
  await t.notThrowsAsync(q.settled(), 'the queue itself never rejects');
});

test('push reports a failure to its handler and keeps the order', async (t) => {
  const q = new SerialQueue();
  const order: number[] = [];
  const errors: string[] = [];
  q.push(() => order.push(1), () => t.fail());
  q.push(
    () => Promise.reject(new Error('two failed')),
    (err) => errors.push((err as Error).message),
  );
  q.push(() => order.push(3), () => t.fail());
  await q.settled();
  t.deepEqual(order, [1, 3]);
  t.deepEqual(errors, ['two failed']);
});

test('settled waits for what was queued before it; drained also for what those tasks queued', async (t) => {
  const q = new SerialQueue();
  const done: string[] = [];
  void q.run(async () => {
    done.push('first');
    void q.run(async () => void done.push('queued by first'));
  });
  await q.settled();
  t.true(done.includes('first'));
  await q.drained();
  t.deepEqual(done, ['first', 'queued by first']);
  t.is(q.size, 0);
});

test('drainAll waits while two queues keep feeding each other', async (t) => {
  const a = new SerialQueue();
  const b = new SerialQueue();
  const done: string[] = [];
  void a.run(async () => {
    done.push('a1');
    void b.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      done.push('b1');
      void a.run(() => void done.push('a2'));
    });
  });
  await drainAll([a, b]);
  t.deepEqual(done, ['a1', 'b1', 'a2']);
  t.is(a.size + b.size, 0);
});
