/**
 * `casecam simulate` against a real mosquitto, with the service side of the `cmd`
 * contract standing in over real case sessions; the patrol's GPS is the NMEA replay
 * over a socat pty read by the real GPS subsystem.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GpsSource } from '../../src/hw/gps-source.js';
import { systemClock } from '../../src/core/clock.js';
import type { GpsFixEvent } from '../../src/core/events.js';
import { NmeaReplay, nmeaEpochs, restampSentence } from '../../simulator/nmea-replay.js';
import { NmeaGpsState } from '../../src/hw/nmea-gps-state.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { startCmdResponder } from './helpers/cmd-responder.js';
import { realSessions } from './helpers/sessions.js';
import { until } from './helpers/until.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../simulator/nmea/patrol-nanjing.nmea', import.meta.url));

test.serial('a counter day of 6 applications runs in seconds: every case opened, marked twice and served', async (t) => {
  const broker = await startMosquitto();
  const s = await realSessions();
  const responder = await startCmdResponder(broker.url, 'SIM-COUNTER-01', s.sessions);
  try {
    const { stdout } = await run('node', [MAIN, 'simulate', 'counter', '--broker', broker.url, '--applications', '6', '--step-ms', '10', '--gap-ms', '10', '--day', '20261128', '--json']);
    const report = JSON.parse(stdout) as { cases: string[] };
    t.like(report, { steps: 24, ok: 24, failed: 0 });
    t.is(report.cases.length, 6);
    t.is(report.cases[0], '许可〔20261128〕001号');
    const c = await s.store.cases.get('许可〔20261128〕006号');
    t.is(c!.openTrigger.type, 'application.accepted');
    t.deepEqual(c!.markers.map((m) => m.type), ['inquiry', 'evidence.registered']);
    t.deepEqual(c!.closeTrigger!.documents, ['DOC-20261128-0006']);
    t.true(responder.received.every((m) => typeof m.requestId === 'string'));
  } finally {
    await responder.stop();
    await s.close();
    await broker.stop();
  }
});

test.serial('a refused step (a path-like case ID) makes simulate exit non-zero and say why', async (t) => {
  const broker = await startMosquitto();
  const s = await realSessions();
  const responder = await startCmdResponder(broker.url, 'SIM-COUNTER-01', s.sessions);
  try {
    const err = await t.throwsAsync(run('node', [MAIN, 'simulate', 'patrol', '--broker', broker.url, '--case-id', 'P/1', '--step-ms', '0', '--lead-ms', '0', '--gps-link', path.join(await mkdtemp(path.join(os.tmpdir(), 'casecam-l-')), 'gps')]));
    t.is((err as unknown as { code?: number }).code, 1);
    t.regex((err as unknown as { stdout: string }).stdout, /FAIL investigation\.started P\/1.*bad-case-id/);
  } finally {
    await responder.stop();
    await s.close();
    await broker.stop();
  }
});

test.serial('the patrol drives an investigation while its NMEA track reaches the GPS subsystem over a pty', async (t) => {
  const broker = await startMosquitto();
  const s = await realSessions();
  const responder = await startCmdResponder(broker.url, 'SIM-COUNTER-01', s.sessions);
  const link = path.join(await mkdtemp(path.join(os.tmpdir(), 'casecam-patrol-')), 'gps');
  const fixes: GpsFixEvent[] = [];
  s.bus.on('gps.fix', (f) => void fixes.push(f));
  // The GPS is opened before the replay makes the pty: the serial line retries until it
  // appears (every 200 ms at most, so it finds the pty while the patrol still replays, even
  // when the patrol's own start-up takes seconds on a loaded machine).
  const gps = new GpsSource({ path: link, baudRate: 9600, bus: s.bus, log: s.log, clock: systemClock, lostAfterSeconds: 5, clockMaxOffsetSeconds: 2, periodMs: 100, retryMaxMs: 200 });
  gps.start();
  try {
    const patrol = run('node', [MAIN, 'simulate', 'patrol', '--broker', broker.url, '--case-id', '淮交罚〔2026〕86号', '--gps-link', link, '--nmea-interval-ms', '50', '--lead-ms', '2000', '--step-ms', '100', '--json']);
    patrol.catch(() => undefined); // its failure is reported where it is awaited below
    // Fixes arrive while the patrol runs: wait for them before it ends and removes the pty.
    t.true(await until(() => fixes.length > 3, 2000), `${fixes.length} fixes`);
    const { stdout } = await patrol;
    const report = JSON.parse(stdout) as { gpsEpochs: number };
    t.like(report, { steps: 5, ok: 5, failed: 0, cases: ['淮交罚〔2026〕86号'] });
    t.true(report.gpsEpochs > 10);
    t.true(fixes.every((f) => Math.abs(f.lat - 32.04) < 0.05 && Math.abs(f.lon - 118.78) < 0.05), 'fixes along the Nanjing track');
    t.true(Math.abs(Date.parse(gps.health().utc!) - Date.now()) < 5000, 'replayed times are restamped to now');
    const c = await s.store.cases.get('淮交罚〔2026〕86号');
    t.is(c!.openTrigger.type, 'investigation.started');
    t.deepEqual(c!.markers.map((m) => m.type), ['inspection', 'inquiry']);
  } finally {
    await gps.stop();
    await responder.stop();
    await s.close();
    await broker.stop();
  }
});

test('the sample track splits into 1 Hz epochs; restamping keeps every checksum valid', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const epochs = nmeaEpochs(await readFile(SAMPLE, 'utf8'));
  t.is(epochs.length, 180);
  t.true(epochs.every((e) => e.length === 4));
  const state = new NmeaGpsState();
  const at = Date.UTC(2030, 0, 2, 3, 4, 5);
  for (const line of epochs[0]!) t.is(state.feed(restampSentence(line, at), 0).error, undefined);
  t.is(state.snapshot(0, 3000).utc, new Date(at).toISOString());
  t.is(state.counters.badChecksum, 0);
  // The tunnel: epochs without a fix.
  const s2 = new NmeaGpsState();
  for (const line of epochs[155]!) s2.feed(line, 0);
  t.false(s2.snapshot(0, 3000).fix);
});

test('a replay of a file with no NMEA is refused', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casecam-nmea-'));
  await writeFile(path.join(dir, 'empty.nmea'), 'nothing here\n');
  await t.throwsAsync(new NmeaReplay({ file: path.join(dir, 'empty.nmea'), link: path.join(dir, 'gps') }).start(), { message: /holds no NMEA/ });
});
