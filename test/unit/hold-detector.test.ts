import test from 'ava';
import { HoldDetector } from '../../src/quality/hold-detector.js';
import { levelFigures, lumaStats } from '../../src/media/health-probe.js';

const rule = { bad: (v: number) => v < 10, good: (v: number) => v >= 15, holdMs: 2000, clearMs: 1000 };

test('raised only after the condition held for the hold time, cleared only after the good condition held', (t) => {
  const d = new HoldDetector(rule);
  t.is(d.update(0, 5), undefined);
  t.is(d.update(1500, 5), undefined);
  t.is(d.update(2000, 5), 'raise');
  t.is(d.faultSince, 0);
  t.is(d.update(2500, 12), undefined, 'between the thresholds: still raised');
  t.is(d.update(3000, 20), undefined);
  t.is(d.update(3500, 12), undefined, 'a middling sample restarts the clear clock');
  t.is(d.update(4000, 20), undefined);
  t.is(d.update(5000, 20), 'clear');
  t.false(d.raised);
});

test('a good sample in the hold time restarts it; onset backdates the start', (t) => {
  const d = new HoldDetector(rule);
  d.update(0, 5);
  d.update(1000, 20);
  t.is(d.update(2500, 5), undefined);
  t.is(d.update(4500, 5), 'raise');
  const e = new HoldDetector({ ...rule, onsetMs: 500 });
  t.is(e.update(0, 5), undefined);
  t.is(e.update(1500, 5), 'raise');
});

test('luma statistics and level figures', (t) => {
  const flat = new Uint8Array(768).fill(16);
  t.deepEqual(lumaStats(flat), { mean: 16, stdDev: 0 });
  const half = new Uint8Array(768).map((_, i) => (i % 2 ? 200 : 0));
  const s = lumaStats(half, flat);
  t.is(s.mean, 100);
  t.is(s.stdDev, 100);
  t.is(s.change, (184 + 16) / 2);
  t.deepEqual(levelFigures({ rms: '< -4.948993 >', peak: '< -1.938664, -0.5 >' }), { rmsDb: -4.948993, peakDb: -0.5 });
  t.deepEqual(levelFigures({ rms: [-700], peak: [-350] }), { rmsDb: -200, peakDb: -200 });
  t.is(levelFigures({ rms: 'garbage' }), undefined);
});
