/**
 * Device alarms: temperature (the sensor is a probe function: this machine's sensor
 * cannot be heated on demand), the encoder falling behind (segments closing long after
 * their media), and a storage failure in sealing cleared once sealing works again.
 */
import test from 'ava';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AlarmEvent } from '../../src/core/events.js';
import { DeviceHealth } from '../../src/quality/device-health.js';
import { DeviceHealthConfigSchema } from '../../src/config/quality-schema.js';

function setup(temperature: () => Promise<number | null>) {
  let now = 1_000_000;
  const bus = new Bus(silentLogger());
  const events: string[] = [];
  const note = (what: string) => (a: AlarmEvent) => void events.push(`${what} ${a.kind} ${a.subject}`);
  bus.on('alarm.raised', note('raised'));
  bus.on('alarm.cleared', note('cleared'));
  const dh = new DeviceHealth({ bus, clock: { now: () => now }, log: silentLogger(), config: DeviceHealthConfigSchema.parse({ temperatureMaxC: 80, encoderMaxLagSeconds: 4 }), temperature });
  return { bus, dh, events, advance: (ms: number) => (now += ms), at: () => now };
}

test('temperature: raised above the limit, cleared 5 °C below it, not in between', async (t) => {
  const readings = [70, 81, 79, 77, 75];
  const { dh, events } = setup(async () => readings.shift() ?? null);
  dh.start();
  t.teardown(() => dh.stop());
  // start() read the first (70 °C); then 81, 79, 77.
  for (let i = 0; i < 3; i++) await dh.checkTemperature();
  t.deepEqual(events, ['raised device.temperature cpu']);
  await dh.checkTemperature();
  t.deepEqual(events, ['raised device.temperature cpu', 'cleared device.temperature cpu']);
});

test('encoder behind: two late segments raise it, two timely ones clear it; storage.failure clears on the next seal', async (t) => {
  const { bus, dh, events, at } = setup(async () => null);
  dh.start();
  t.teardown(() => dh.stop());
  const closed = (lagMs: number) =>
    bus.emit('segment.closed', { id: 'x', channel: 'cam1', runId: '1', index: 0, file: '/nowhere', start: at() - lagMs - 2000, end: at() - lagMs, runningStartNs: '0' });
  closed(800);
  closed(6000);
  t.deepEqual(events, []);
  closed(6000);
  t.deepEqual(events, ['raised encoder.behind cam1']);
  closed(1000);
  closed(3000); // between the thresholds: not yet
  closed(1000);
  t.deepEqual(events, ['raised encoder.behind cam1']);
  closed(1000);
  t.deepEqual(events, ['raised encoder.behind cam1', 'cleared encoder.behind cam1']);

  bus.emit('alarm.raised', { kind: 'storage.failure', subject: 'evidence', message: 'EIO', at: at() });
  bus.emit('segment.sealed', { segmentId: 's', channel: 'cam1', caseIds: [], sha256: '0'.repeat(64), bytes: 1 });
  t.deepEqual(events.slice(2), ['raised storage.failure evidence', 'cleared storage.failure evidence']);
});
