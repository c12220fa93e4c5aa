/**
 * Raised alarms on the recording lamp and buzzer (`gpio.alarms`), on the simulated GPIO
 * twin: the indicators driven by alarm events on a real bus, then in the running service
 * with a real pipeline whose test source is made to misbehave (pipelines/test-faults).
 */
import test from 'ava';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { AlarmSignalSchema } from '../../src/config/hw-schema.js';
import { parseConfig } from '../../src/config/load.js';
import { buildService } from '../../src/service/build-service.js';
import { RecordingIndicators } from '../../src/hw/recording-indicators.js';
import { SimOutput } from '../../src/hw/sim/sim-gpio.js';
import type { AlarmEvent } from '../../src/core/events.js';
import { sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';
import { tempDir, testConfig } from '../helpers/test-config.js';

const pulses = (out: SimOutput, from = 0) => out.history.slice(from).filter((h) => h.level === 1).length;
const alarm = (kind: string, subject = 'cam1'): AlarmEvent => ({ kind, subject, message: kind, at: Date.now() });

/** True once `out` has not changed for 300 ms. */
async function quiet(out: SimOutput): Promise<boolean> {
  let n = -1;
  let since = Date.now();
  return until(() => {
    if (out.history.length !== n) {
      n = out.history.length;
      since = Date.now();
    }
    return Date.now() - since >= 300 && out.history.at(-1)?.level !== 1;
  }, 2000);
}

async function rig(alarms: Record<string, unknown>) {
  const bus = new Bus(silentLogger());
  const lamp = new SimOutput();
  const buzzer = new SimOutput();
  const state = { recording: false };
  const indicators = new RecordingIndicators({
    bus,
    log: silentLogger(),
    recording: () => state.recording,
    lamp: async () => lamp,
    buzzer: async () => buzzer,
    reminderSeconds: 0,
    alarms: AlarmSignalSchema.parse(alarms),
    beepMs: 30,
  });
  await indicators.start();
  return { bus, lamp, buzzer, state, indicators };
}

test.serial('a raised media alarm beeps twice and repeats; the lamp blinks only while recording; cleared, both are quiet again', async (t) => {
  const r = await rig({ repeatSeconds: 1 });
  t.teardown(() => r.indicators.stop());
  r.bus.emit('alarm.raised', alarm('camera.blocked'));
  t.true(await until(() => pulses(r.buzzer) >= 2, 2000), 'two beeps when raised');
  t.true(await until(() => pulses(r.buzzer) >= 4, 3000), 'two more after the repeat period');
  t.is(await r.lamp.read(), 0, 'the lamp stays dark while nothing is recorded');
  t.false(r.lamp.history.some((h) => h.level === 1));
  t.true(r.indicators.alarmShown);

  r.state.recording = true;
  r.indicators.refresh();
  const from = r.lamp.history.length;
  // Blinking: the lamp goes on and off again, more than once.
  t.true(await until(() => r.lamp.history.slice(from).filter((h) => h.level === 0).length >= 2 && pulses(r.lamp, from) >= 2, 4000), 'the lamp blinks while recording');
  t.true(r.indicators.lampLit, 'blinking still shows a recording');

  r.bus.emit('alarm.cleared', alarm('camera.blocked'));
  t.true(await until(async () => (await r.lamp.read()) === 1, 2000), 'lit again once cleared');
  // A pair of beeps under way at the clear may finish: wait for the buzzer to go quiet.
  t.true(await quiet(r.buzzer), 'the buzzer goes quiet');
  const lampAt = r.lamp.history.length;
  const beepsAt = r.buzzer.history.length;
  await sleep(1600); // more than a blink and a repeat period: neither may change now
  t.is(r.lamp.history.length, lampAt, 'steady after the clear');
  t.is(pulses(r.buzzer, beepsAt), 0, 'no more beeps after the clear');
  t.false(r.indicators.alarmShown);
});

test.serial('two channels blocked are two alarms: the signal lasts until both clear; other kinds and repeats are ignored', async (t) => {
  const r = await rig({ repeatSeconds: 3600 });
  t.teardown(() => r.indicators.stop());
  r.bus.emit('alarm.raised', alarm('storage.low', 'evidence'));
  r.bus.emit('alarm.raised', alarm('camera.blocked', 'cam1'));
  t.true(await until(() => pulses(r.buzzer) === 2, 2000));
  r.bus.emit('alarm.raised', alarm('camera.blocked', 'cam1')); // the same alarm again: no new beeps
  r.bus.emit('alarm.raised', alarm('camera.blocked', 'cam2'));
  t.true(await until(() => pulses(r.buzzer) === 4, 2000), 'the second channel beeps');
  await sleep(300);
  t.is(pulses(r.buzzer), 4, 'neither the repeat nor the unconfigured kind beeped');
  r.bus.emit('alarm.cleared', alarm('camera.blocked', 'cam1'));
  t.true(r.indicators.alarmShown, 'cam2 still blocked');
  r.bus.emit('alarm.cleared', alarm('camera.blocked', 'cam2'));
  t.false(r.indicators.alarmShown);
});

test.serial('lamp "steady" and buzzer "none": a raised alarm changes neither', async (t) => {
  const r = await rig({ lamp: 'steady', buzzer: 'none', repeatSeconds: 1 });
  t.teardown(() => r.indicators.stop());
  r.state.recording = true;
  r.indicators.refresh();
  t.true(await until(async () => (await r.lamp.read()) === 1, 1000));
  const lampAt = r.lamp.history.length;
  r.bus.emit('alarm.raised', alarm('audio.silent'));
  await sleep(1600);
  t.is(r.lamp.history.length, lampAt, 'the lamp stays lit');
  t.deepEqual(r.buzzer.history, []);
});

test.serial('in the running service a covered test camera makes the lamp blink and the buzzer sound, as configured', async (t) => {
  const dir = await tempDir();
  const base = testConfig(dir, { channels: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const config = parseConfig({
    ...base,
    channels: [{ id: 'cam1', template: 'test-faults', params: {} }],
    gpio: { reminderSeconds: 0, alarms: { repeatSeconds: 2 } },
    mediaHealth: { clearSeconds: 1, blockedHoldSeconds: 1, darkHoldSeconds: 1, frozenHoldSeconds: 1 },
  });
  const app = await buildService(config, { log: silentLogger(), simulate: true });
  const raised: AlarmEvent[] = [];
  const cleared: AlarmEvent[] = [];
  app.bus.on('alarm.raised', (a) => void raised.push(a));
  app.bus.on('alarm.cleared', (a) => void cleared.push(a));
  await app.start();
  t.teardown(() => app.stop());
  const { lamp, buzzer } = app.hardware.sim;
  const cam = app.supervisors[0]!;
  t.true(await until(() => cam.ok, 30_000), 'the channel records');
  await app.sessions.open({ trigger: 'application.accepted', source: 'test' });
  t.true(await until(async () => (await lamp.read()) === 1, 2000), 'lamp lit for the case');
  const lampFrom = lamp.history.length;
  t.deepEqual(buzzer.history, [], 'quiet while the camera is fine');

  cam.setProperty('vfault', 'contrast', 0);
  cam.setProperty('vfault', 'brightness', -1);
  // A black image: covered, dark and unchanging at once; all three are raised before the camera recovers.
  const kinds = ['camera.blocked', 'camera.dark', 'camera.frozen'];
  t.true(await until(() => kinds.every((k) => raised.some((a) => a.kind === k)), 30_000), 'the camera alarms raised');
  t.true(await until(() => pulses(buzzer) >= 2, 2000), 'the buzzer sounds');
  t.true(await until(() => lamp.history.slice(lampFrom).some((h) => h.level === 0), 2000), 'the lamp blinks');

  cam.setProperty('vfault', 'contrast', 1);
  cam.setProperty('vfault', 'brightness', 0);
  t.true(await until(() => kinds.every((k) => cleared.some((c) => c.kind === k)), 30_000), 'the alarms clear');
  t.true(await until(async () => (await lamp.read()) === 1, 2000), 'the lamp is steady again');
  t.true(app.hardware.status().lampLit);
  t.false(app.hardware.status().alarmShown);
});
