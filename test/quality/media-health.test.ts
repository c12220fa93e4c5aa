/**
 * Media alarms on real pipelines: test sources made to misbehave while they record
 * (pipelines/test-faults.pipeline, properties set over the worker protocol). Each
 * alarm is raised after its hold time, not before, and cleared when the source
 * recovers; a normal source raises none; the open case's timeline holds the intervals.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseConfig } from '../../src/config/load.js';
import type { AlarmEvent, MediaHealthSample } from '../../src/core/events.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';

const HOLD_S = 2;

test('covered, dark, frozen, silent and clipping sources raise their alarms after the hold time and clear on recovery', async (t) => {
  const dir = await tempDir();
  const base = testConfig(dir, { channels: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const config = parseConfig({
    ...base,
    channels: [{ id: 'cam1', template: 'test-faults', params: {} }],
    mediaHealth: {
      clearSeconds: 1,
      blockedHoldSeconds: HOLD_S,
      darkHoldSeconds: HOLD_S,
      frozenHoldSeconds: HOLD_S,
      silentHoldSeconds: HOLD_S,
      clippingHoldSeconds: HOLD_S,
    },
  });
  const app = await buildService(config, { log: silentLogger() });
  const raised: AlarmEvent[] = [];
  const cleared: AlarmEvent[] = [];
  const samples: MediaHealthSample[] = [];
  const bus = app.bus;
  bus.on('alarm.raised', (a) => void raised.push(a));
  bus.on('alarm.cleared', (a) => void cleared.push(a));
  bus.on('media.health', (s) => void samples.push(s));
  await app.start();
  t.teardown(() => app.stop());
  const rec = app;
  const cam = rec.supervisors[0]!;

  // A healthy source: several seconds of samples of both kinds and no media alarm.
  await waitFor(() => samples.filter((s) => s.video?.change !== undefined).length >= 8 && samples.filter((s) => s.audio).length >= 8, 30_000, 'health samples');
  t.deepEqual(raised.filter((a) => a.kind !== 'video.lost'), [], 'a healthy source raises no media alarm');
  const { caseId } = await rec.sessions.open({ trigger: 'application.accepted', source: 'test' });

  const fault = async (kinds: string[], set: Array<[string, string, number]>, restore: Array<[string, string, number]>) => {
    const from = Date.now();
    for (const [el, prop, v] of set) cam.setProperty(el, prop, v);
    for (const kind of kinds) {
      const a = await waitFor(() => raised.find((r) => r.kind === kind && r.at >= from), 20_000, `${kind} raised`);
      t.true(a.at - from >= HOLD_S * 1000, `${kind} not raised before its hold time`);
      t.log(`${kind}: raised ${a.at - from} ms after the fault (hold ${HOLD_S * 1000} ms)`);
      t.is(a.subject, 'cam1');
    }
    const healed = Date.now();
    for (const [el, prop, v] of restore) cam.setProperty(el, prop, v);
    for (const kind of kinds) {
      const c = await waitFor(() => cleared.find((r) => r.kind === kind && r.at >= healed), 20_000, `${kind} cleared`);
      t.log(`${kind}: cleared ${c.at - healed} ms after the source recovered`);
    }
  };

  // A black image: dark, uniform (covered) and unchanging at once; audio faults run alongside.
  await Promise.all([
    fault(['camera.dark', 'camera.blocked', 'camera.frozen'], [['vfault', 'contrast', 0], ['vfault', 'brightness', -1]], [['vfault', 'contrast', 1], ['vfault', 'brightness', 0]]),
    fault(['audio.silent'], [['afault', 'volume', 0]], [['afault', 'volume', 1]]),
  ]);
  // A frozen image that is neither dark nor uniform, and a clipping microphone.
  const before = raised.length;
  await Promise.all([
    fault(['camera.frozen'], [['vsrc', 'horizontal-speed', 0]], [['vsrc', 'horizontal-speed', 3]]),
    fault(['audio.clipping'], [['afault', 'volume', 4]], [['afault', 'volume', 1]]),
  ]);
  t.deepEqual(
    raised.slice(before).map((a) => a.kind).sort(),
    ['audio.clipping', 'camera.frozen'],
    'a scrolling-stopped image raises only camera.frozen',
  );

  // The case's timeline holds every interval.
  await rec.journal.idle();
  const entries = (await rec.journal.forCase(caseId)).filter((e) => e.type === 'case.alarm');
  for (const kind of ['camera.dark', 'camera.blocked', 'camera.frozen', 'audio.silent', 'audio.clipping']) {
    const states = entries.filter((e) => e.data.kind === kind).map((e) => e.data.state);
    t.true(states.includes('raised') && states.includes('cleared'), `${kind} raised and cleared in the case timeline`);
  }
});
