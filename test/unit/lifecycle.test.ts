import test from 'ava';
import { Lifecycles, closer, type Lifecycle, type Phase } from '../../src/core/lifecycle.js';
import { silentLogger } from '../../src/core/logger.js';

function part(name: string, phase: Phase, log: string[], opts: { failStart?: boolean; failStop?: boolean } = {}): Lifecycle {
  return {
    name,
    phase,
    start: async () => {
      await Promise.resolve();
      if (opts.failStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: () => {
      if (opts.failStop) throw new Error(`${name} cannot stop`);
      log.push(`stop ${name}`);
    },
  };
}

test('starts in list order; stops triggers, then capture, then reporting, then the store, each in reverse', async (t) => {
  const log: string[] = [];
  const l = new Lifecycles(
    [
      closer('store', 'store', () => void log.push('stop store')),
      part('journal-writer', 'store', log),
      part('sessions', 'capture', log),
      part('workers', 'capture', log),
      part('button', 'trigger', log),
      part('gps', 'trigger', log),
      closer('broker', 'report', () => void log.push('stop broker')),
      part('uplink', 'report', log),
    ],
    silentLogger(),
  );
  await l.start();
  t.deepEqual(log.splice(0), ['start journal-writer', 'start sessions', 'start workers', 'start button', 'start gps', 'start uplink']);
  await l.stop();
  t.deepEqual(log, ['stop gps', 'stop button', 'stop workers', 'stop sessions', 'stop uplink', 'stop broker', 'stop journal-writer', 'stop store']);
  await l.stop();
  t.is(log.length, 8, 'a second stop does nothing');
});

test('a start that fails stops what had started, and the opened parts, then throws', async (t) => {
  const log: string[] = [];
  const l = new Lifecycles(
    [
      closer('store', 'store', () => void log.push('stop store')),
      part('sessions', 'capture', log),
      part('workers', 'capture', log, { failStart: true }),
      part('gps', 'trigger', log),
      closer('broker', 'report', () => void log.push('stop broker')),
    ],
    silentLogger(),
  );
  await t.throwsAsync(() => l.start(), { message: 'workers cannot start' });
  t.deepEqual(log, ['start sessions', 'stop sessions', 'stop broker', 'stop store']);
});

test('a stop that throws is logged and the rest still stop', async (t) => {
  const log: string[] = [];
  const l = new Lifecycles([part('a', 'capture', log), part('b', 'capture', log, { failStop: true }), part('c', 'report', log)], silentLogger());
  await l.start();
  log.length = 0;
  await l.stop();
  t.deepEqual(log, ['stop a', 'stop c']);
});
