import test from 'ava';
import { NmeaGpsState, nmeaSentence } from '../../src/hw/nmea-gps-state.js';
import { epochSentences } from '../../simulator/nmea-encode.js';

const at = Date.UTC(2026, 10, 28, 3, 40, 12);
const fix = { at, lat: 32.0603, lon: 118.7969, speedKmh: 36, course: 90, satellites: 11, hdop: 0.8 };

for (const talker of ['GP', 'GN', 'BD', 'GL']) {
  test(`an epoch from talker ${talker} gives position, speed, satellites and UTC`, (t) => {
    const s = new NmeaGpsState();
    for (const line of epochSentences(fix, talker)) t.deepEqual(s.feed(line, 1000).error, undefined);
    const snap = s.snapshot(1000, 3000);
    t.true(snap.fix);
    t.is(snap.fixQuality, 1);
    t.is(snap.fixMode, '3D');
    t.true(Math.abs(snap.lat! - fix.lat) < 1e-6);
    t.true(Math.abs(snap.lon! - fix.lon) < 1e-6);
    t.true(Math.abs(snap.speedKmh! - 36) < 0.1);
    t.is(snap.satellites, 11);
    t.is(snap.hdop, 0.8);
    t.is(snap.utc, new Date(at).toISOString());
    t.is(s.counters.sentences, 4);
  });
}

test('a sentence with a wrong checksum is counted and changes nothing', (t) => {
  const s = new NmeaGpsState();
  const good = epochSentences(fix, 'GP')[0]!.trim();
  const bad = good.slice(0, -2) + (good.endsWith('00') ? '01' : '00');
  t.truthy(s.feed(bad, 0).error);
  t.is(s.counters.badChecksum, 1);
  t.false(s.snapshot(0, 3000).fix);
  const tampered = good.replace('3203.', '3303.');
  s.feed(tampered, 0);
  t.is(s.counters.badChecksum, 2);
});

test('garbage and unknown sentences are counted, never thrown', (t) => {
  const s = new NmeaGpsState();
  t.truthy(s.feed('hello', 0).error);
  t.truthy(s.feed('$GPGGA,garbage', 0).error);
  t.is(s.feed(nmeaSentence('GPGSV,1,1,01,10,40,083,46'), 0).error, undefined);
  t.is(s.counters.ignored, 1);
  t.is(s.counters.unparsed, 1);
});

test('"no fix" from the receiver ends the fix at once; a stale fix ends after the freshness window', (t) => {
  const s = new NmeaGpsState();
  for (const line of epochSentences(fix)) s.feed(line, 1000);
  t.true(s.snapshot(1500, 3000).fix);
  t.false(s.snapshot(4001, 3000).fix, 'stale');
  for (const line of epochSentences(fix)) s.feed(line, 5000);
  t.true(s.snapshot(5000, 3000).fix);
  for (const line of epochSentences({ ...fix, valid: false })) s.feed(line, 5100);
  t.false(s.snapshot(5100, 3000).fix);
});

test('southern and western positions keep their sign', (t) => {
  const s = new NmeaGpsState();
  for (const line of epochSentences({ ...fix, lat: -33.8688, lon: -70.6693 })) s.feed(line, 0);
  const snap = s.snapshot(0, 3000);
  t.true(Math.abs(snap.lat! + 33.8688) < 1e-6);
  t.true(Math.abs(snap.lon! + 70.6693) < 1e-6);
});
