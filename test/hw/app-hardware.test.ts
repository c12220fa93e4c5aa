/**
 * The field hardware wired into the real service (buildService, GStreamer test source, LevelDB):
 * the simulated button opens and serves a case, the lamp follows, and the GPS on a
 * socat pty feeds the OSD position, the health object and the track.
 */
import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildService } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AlarmEvent } from '../../src/core/events.js';
import { epochSentences } from '../../simulator/nmea-encode.js';
import { GpsTrack } from '../../src/hw/gps-track.js';
import { PtyPair, sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';

test('button, lamp and GPS in the running service', async (t) => {
  const pty = await PtyPair.create();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'casecam-app-hw-'));
  const config = parseConfig({
    deviceId: 'HW-TEST-01',
    kind: 'counter',
    channels: [{ id: 'cam1', template: 'test-av', params: { width: 160, height: 120, fps: 10 }, fps: 10 }],
    recording: { preRecordSeconds: 2, postRecordSeconds: 1, segmentSeconds: 1 },
    paths: { dataDir },
    gpio: { longPressSeconds: 1, reminderSeconds: 0 },
    serial: { gps: { path: pty.device, baudRate: 9600 }, gpsLostSeconds: 30 },
  });
  const app = await buildService(config, { log: silentLogger(), simulate: true });
  const alarms: AlarmEvent[] = [];
  app.bus.on('alarm.raised', (a) => void alarms.push(a));
  let feeding = true;
  const feeder = (async () => {
    while (feeding) {
      for (const l of epochSentences({ at: Date.now(), lat: 32.05, lon: 118.78, speedKmh: 0, course: 0, satellites: 9 }, 'BD')) await pty.write(l).catch(() => undefined);
      await sleep(250);
    }
  })();
  await app.start();
  const { button, lamp } = app.hardware.sim;
  try {
    // Wait for a whole epoch (GGA carries the satellites, RMC the fix): the port may open between the two.
    t.true(await until(() => app.hardware.gpsHealth()?.fix === true && app.hardware.gpsHealth()?.satellites !== null, 5000), 'GPS fix reaches health');
    t.like(app.hardware.gpsHealth(), { fix: true, lat: 32.05, lon: 118.78, satellites: 9 });
    t.like(app.hardware.position(), { lat: 32.05, lon: 118.78 }, 'the OSD gets the position');
    button.set(1);
    await sleep(120);
    button.set(0);
    t.true(await until(() => app.sessions.openCases().length === 1, 3000), 'short press opened a case');
    t.true(await until(async () => (await lamp.read()) === 1, 2000), 'lamp lit');
    const caseId = app.sessions.openCases()[0]!.id;
    await sleep(1500);
    button.set(1);
    await sleep(1300);
    button.set(0);
    t.true(await until(async () => (await app.store.cases.get(caseId))?.status === 'closed', 15_000), 'long press served and closed the case');
    t.is((await app.store.cases.get(caseId))!.closeTrigger!.type, 'documents.served');
    t.true(await until(async () => (await lamp.read()) === 0, 3000), 'lamp dark');
    const c = (await app.store.cases.get(caseId))!;
    t.true((await GpsTrack.window(app.store, c.windowStart, c.windowEnd!)).length >= 2, 'track rows inside the case window');
    t.like(app.hardware.status(), { lampLit: false, gps: { serial: { connected: true }, nmea: { badChecksum: 0 } } });
    t.deepEqual(alarms.filter((a) => a.kind.startsWith('gps') || a.kind.startsWith('gpio')), []);
  } finally {
    feeding = false;
    await feeder;
    await app.stop();
    await pty.close();
  }
});
