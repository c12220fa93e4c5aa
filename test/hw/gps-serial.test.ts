/** The GPS subsystem on the real serialport path, fed NMEA through a socat pseudo-terminal pair. */
import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AlarmEvent, GpsFixEvent } from '../../src/core/events.js';
import { Store } from '../../src/store/store.js';
import { GpsSource } from '../../src/hw/gps-source.js';
import { GpsTrack } from '../../src/hw/gps-track.js';
import { epochSentences } from '../../simulator/nmea-encode.js';
import { PtyPair, sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';

const log = silentLogger();

async function rig(opts: { clockOffsetMs?: number; devicePath?: string } = {}) {
  const pty = await PtyPair.create();
  const store = await Store.open(await mkdtemp(path.join(os.tmpdir(), 'casecam-gps-db-')), log);
  const bus = new Bus(log);
  const clock = { now: () => Date.now() + (opts.clockOffsetMs ?? 0) };
  const fixes: GpsFixEvent[] = [];
  const raised: AlarmEvent[] = [];
  const cleared: AlarmEvent[] = [];
  bus.on('gps.fix', (f) => void fixes.push(f));
  bus.on('alarm.raised', (a) => void raised.push(a));
  bus.on('alarm.cleared', (a) => void cleared.push(a));
  const track = new GpsTrack({ store, log, activeWindows: () => [], keepMs: 60_000 });
  const gps = new GpsSource({
    path: opts.devicePath ?? pty.device,
    baudRate: 9600,
    bus,
    log,
    clock,
    track,
    lostAfterSeconds: 1,
    clockMaxOffsetSeconds: 2,
    periodMs: 200,
  });
  let pos = { lat: 32.0603, lon: 118.7969 };
  let feeding = true;
  const feeder = (async () => {
    while (feeding) {
      pos = { lat: pos.lat + 0.0001, lon: pos.lon };
      for (const line of epochSentences({ at: Date.now(), ...pos, speedKmh: 40, course: 0, satellites: 10 }, 'GN')) {
        await pty.write(line).catch(() => undefined);
      }
      await sleep(100);
    }
  })();
  const pause = () => {
    feeding = false;
    return feeder;
  };
  const cleanup = async () => {
    feeding = false;
    await feeder;
    await gps.stop();
    await pty.close();
    await store.close();
  };
  return { pty, store, bus, gps, fixes, raised, cleared, pause, cleanup };
}

test.serial('fixes become gps.fix events, the OSD position, the health object and track rows', async (t) => {
  const r = await rig();
  try {
    r.gps.start();
    t.true(await until(() => r.fixes.length >= 3, 5000), 'gps.fix events arrive');
    const f = r.fixes.at(-1)!;
    t.true(f.lat > 32.06 && f.lat < 32.2);
    t.true(Math.abs(f.speedKmh! - 40) < 0.2);
    t.is(f.satellites, 10);
    const h = r.gps.health();
    t.deepEqual(Object.keys(h).sort(), ['fix', 'lat', 'lon', 'satellites', 'speedKmh', 'utc']);
    t.true(h.fix);
    t.is(h.satellites, 10);
    t.true(Date.now() - Date.parse(h.utc!) < 3000);
    t.truthy(r.gps.position());
    t.true(await until(async () => (await r.store.gpsTrack.values()).length >= 3, 3000), 'track rows written');
    const rows = await r.store.gpsTrack.values();
    t.true(rows.every((row, i) => i === 0 || row.at > rows[i - 1]!.at), 'rows in time order');
    t.deepEqual(r.raised, []);
  } finally {
    await r.cleanup();
  }
});

test.serial('silence raises gps.lost; fixes coming back clear it', async (t) => {
  const r = await rig();
  try {
    r.gps.start();
    t.true(await until(() => r.fixes.length >= 1, 5000));
    await r.pause();
    t.true(await until(() => r.raised.some((a) => a.kind === 'gps.lost'), 5000), 'gps.lost raised');
    t.false(r.gps.health().fix);
    t.is(r.gps.position(), undefined);
    const n = r.fixes.length;
    await sleep(500);
    t.is(r.fixes.length, n, 'no gps.fix without a fix');
    for (const line of epochSentences({ at: Date.now(), lat: 32, lon: 118, speedKmh: 0, course: 0 })) await r.pty.write(line);
    t.true(await until(() => r.cleared.some((a) => a.kind === 'gps.lost'), 3000), 'gps.lost cleared');
    t.is(r.raised.filter((a) => a.kind === 'gps.lost').length, 1, 'raised once');
  } finally {
    await r.cleanup();
  }
});

test.serial('a system clock 10 s off GPS time raises clock.wrong; an agreeing one does not', async (t) => {
  const off = await rig({ clockOffsetMs: 10_000 });
  try {
    off.gps.start();
    t.true(await until(() => off.raised.some((a) => a.kind === 'clock.wrong'), 5000));
    const a = off.raised.find((x) => x.kind === 'clock.wrong')!;
    t.is(a.subject, 'system-clock');
    t.regex(a.message, /10\.\d s off GPS time/);
    t.true(Math.abs(off.gps.clockOffsetMs()! - 10_000) < 1500);
  } finally {
    await off.cleanup();
  }
  const ok = await rig();
  try {
    ok.gps.start();
    t.true(await until(() => ok.fixes.length >= 3, 5000));
    t.false(ok.raised.some((x) => x.kind === 'clock.wrong'));
  } finally {
    await ok.cleanup();
  }
});

test.serial('garbage, a wrong baud rate and an unplugged receiver are counted and survived', async (t) => {
  const r = await rig();
  try {
    r.gps.start();
    t.true(await until(() => r.fixes.length >= 1, 5000));
    await r.pty.write(Buffer.from([0xff, 0xfe, 0x80, 0x0a, 0x13, 0x99, 0x0d, 0x0a])); // what 4800 baud read at 9600 looks like
    await r.pty.write('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*00\r\n');
    t.true(await until(() => r.gps.counters().serial.errors.garbage >= 1 && r.gps.counters().nmea.badChecksum >= 1, 3000));
    await r.pty.unplug();
    t.true(await until(() => !r.gps.counters().serial.connected, 3000));
    t.true(await until(() => r.raised.some((a) => a.kind === 'gps.lost' && /not connected/.test(a.message)), 5000));
    const before = r.fixes.length;
    await r.pty.plug();
    t.true(await until(() => r.gps.counters().serial.reconnects >= 1, 8000), 'reconnected');
    t.true(await until(() => r.fixes.length > before + 2, 5000), 'fixes resume after replug');
    t.true(r.cleared.some((a) => a.kind === 'gps.lost'));
  } finally {
    await r.cleanup();
  }
});
