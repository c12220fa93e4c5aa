/**
 * The uplink reports outbox drops through the outbox itself. When that write fails (the
 * store failing or closing under it), the failure is logged: it never becomes an
 * unhandled promise rejection, which ends a Node process. Real store, no broker needed
 * (the connection to a closed loopback port just keeps retrying).
 */
import test from 'ava';
import path from 'node:path';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { resolvePaths } from '../../src/config/load.js';
import { Store } from '../../src/store/store.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { mqttConfig } from '../../src/uplink/uplink-config.js';
import { deviceState } from '../../src/recording/device-state.js';
import { sleep, tempDir, testConfig } from '../helpers/test-config.js';

const unreachable = (): never => {
  throw new Error('no command reaches the sessions in this test');
};

test('a drop report that cannot be written is logged, not an unhandled rejection', async (t) => {
  const root = await tempDir('casecam-drop-report-');
  const config = testConfig(path.join(root, 'data'));
  const log = silentLogger();
  const store = await Store.open(path.join(root, 'db'), log);
  const uplink = new Uplink({
    config,
    mqtt: { ...mqttConfig({ outbox: { maxBytes: 1024 }, reconnectInitialMs: 5000 }), url: 'mqtt://127.0.0.1:1' },
    outboxTable: store.outbox,
    evidenceDir: resolvePaths(config).evidenceDir,
    state: () => deviceState({ openCases: () => [], channels: [], officerId: undefined, preRecordSeconds: 0, live: () => [] }),
    sessions: { open: unreachable, marker: unreachable, close: unreachable },
    bus: new Bus(log),
    clock: { now: () => Date.now() },
    log,
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    await uplink.start();
    const item = { topic: 'casecam/TEST-BOX-1/health', payload: 'x'.repeat(700), qos: 1 as const, retain: false, priority: 'telemetry' as const };
    await uplink.outbox.enqueue(item);
    await uplink.outbox.enqueue(item); // over maxBytes: the first is dropped and the drop reported
    await store.close(); // the report's own write now fails
    await sleep(500);
    t.true(uplink.outbox.dropped.telemetry >= 1, 'a drop happened');
    t.deepEqual(unhandled.map(String), []);
  } finally {
    await uplink.stop().catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
  }
});
