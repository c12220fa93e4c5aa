/**
 * Health reports (at once when an alarm changes, with the service's own figures) and
 * the embedded aedes broker that `casecam run --simulate` uses when no broker is given,
 * and the `--broker` flag's check.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { silentLogger } from '../../src/core/logger.js';
import { HealthSchema } from '../../src/uplink/payloads.js';

test('an alarm change sends health at once, with alarms, outbox depth, channels and disk', async (t) => {
  const broker = await Mosquitto.start();
  // healthSeconds is long: whatever health arrives after the alarm was sent because of it.
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'HLT-01', mqtt: { healthSeconds: 3600 } });
  const base = 'casecam/HLT-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/health`, `${base}/events`]);
  try {
    await fleet.until(() => fleet.messages.length > 0, 'the health sent on connect');
    const before = fleet.json(`${base}/health`).length;
    dev.app.bus.emit('alarm.raised', { kind: 'violent-resistance', subject: 'operator', message: 'officer needs help', at: Date.now() });
    const h = await fleet.until(() => fleet.json(`${base}/health`)[before], 'health after the alarm', 5000);
    const health = HealthSchema.parse(h);
    t.deepEqual(health.alarms.map((a) => a.kind), ['violent-resistance']);
    t.is(health.channels[0]?.id, 'cam1');
    t.true(health.disk !== null && health.disk.freeBytes > 0);
    t.not(health.disk?.encrypted, undefined, 'whether the evidence is on an encrypted device (or null: cannot tell)');
    t.true(health.memory.totalBytes > 0);
    t.is(typeof health.outbox.depth, 'number');
    await fleet.until(() => fleet.json<{ type: string }>(`${base}/events`).some((e) => e.type === 'alarm.raised'), 'alarm event');

    dev.app.bus.emit('alarm.cleared', { kind: 'violent-resistance', subject: 'operator', message: 'resolved', at: Date.now() });
    const cleared = await fleet.until(() => fleet.json<{ alarms: unknown[] }>(`${base}/health`).slice(before + 1).find((x) => x.alarms.length === 0), 'health after clearing');
    t.deepEqual(cleared.alarms, []);

    // Once segments have closed, minutes of recording left = free space / recent bytes per second.
    type H = { recording: { minutesLeft: number | null; bytesPerSecond: number | null } };
    const rated = () => fleet.json<H>(`${base}/health`).find((x) => x.recording.minutesLeft !== null);
    for (let i = 0; i < 20 && !rated(); i++) {
      await dev.uplink.publishHealth();
      await new Promise((r) => setTimeout(r, 500));
    }
    const withRate = await fleet.until(rated, 'health with minutes of recording left', 2000);
    t.true(withRate.recording.bytesPerSecond! > 0);
    t.true(withRate.recording.minutesLeft! > 0);
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});

test('the embedded broker listens on loopback only and falls back to a free port when its port is taken', async (t) => {
  const log = silentLogger();
  const first = new EmbeddedBroker({ port: 0, log });
  await first.start();
  const second = new EmbeddedBroker({ port: first.port, log });
  await second.start();
  try {
    t.not(second.port, first.port);
    t.regex(second.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const w = await Watcher.connect(second.url, ['x/#'], { protocolVersion: 4 });
    await w.client.publishAsync('x/y', 'hello', { qos: 1 });
    await w.until(() => w.messages.find((m) => m.text === 'hello'), 'a message through aedes');
    await w.close();
  } finally {
    await second.stop();
    await first.stop();
  }
});

test('casecam run refuses a --broker that is not an mqtt:// or mqtts:// URL, with one clear line', (t) => {
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const r = spawnSync(process.execPath, [main, 'run', '--simulate', '--broker', 'http://example.org'], { encoding: 'utf8', timeout: 20_000 });
  t.not(r.status, 0);
  t.regex(r.stderr, /--broker must be an mqtt:\/\/ or mqtts:\/\/ URL/);
  t.is(r.stderr.trim().split('\n').length, 1);
});
