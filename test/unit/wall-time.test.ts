import test from 'ava';
import { wallTime } from '../../src/media/wall-time.js';

test('running time maps to wall clock from the PLAYING moment', (t) => {
  t.is(wallTime(1_000_000, '2010434251', 5), 1_002_010);
  t.is(wallTime(1_000_000, '0', 5), 1_000_000);
});

test("GStreamer's 'no time' and absurd values fall back to now instead of a date centuries away", (t) => {
  t.is(wallTime(1_000_000, '18446744073709551615', 1_234), 1_234);
  t.is(wallTime(1_000_000, '9223372036854775807', 1_234), 1_234);
});
