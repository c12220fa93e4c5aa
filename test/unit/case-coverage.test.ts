/** The coverage invariant checker itself (src/recording/case-coverage.ts), on made-up cases. */
import test from 'ava';
import { checkCaseCoverage, uncovered } from '../../src/recording/case-coverage.js';
import type { CaseRecord } from '../../src/store/records.js';

const base: CaseRecord = {
  id: 'C',
  kind: 'k',
  status: 'closed',
  deviceId: 'D',
  officerIds: [],
  openTrigger: { type: 'x', source: 't', at: 10_000 },
  windowStart: 0,
  windowEnd: 10_000,
  markers: [],
  gaps: [],
};
const seg = (channel: string, start: number, end: number) => ({ channel, start, end });

test('media over the whole window (to a frame) is complete; a hole, a gap over media and a gap without cause are problems', (t) => {
  const full = checkCaseCoverage(base, [seg('a', -500, 4000), seg('a', 4020, 10_100)], ['a'], 40);
  t.true(full.ok);
  t.true(full.complete);

  const hole = checkCaseCoverage(base, [seg('a', 2000, 10_000)], ['a'], 40);
  t.deepEqual(hole.problems, [{ channel: 'a', from: 0, to: 2000, problem: 'no media and no gap' }]);

  const explained = checkCaseCoverage({ ...base, gaps: [{ channel: 'a', from: 0, to: 2000, cause: 'not recording' }] }, [seg('a', 2000, 10_000)], ['a'], 40);
  t.true(explained.ok);
  t.false(explained.complete);

  const over = checkCaseCoverage({ ...base, gaps: [{ channel: 'a', from: 0, to: 5000, cause: 'x' }] }, [seg('a', 2000, 10_000)], ['a'], 40);
  t.deepEqual(over.problems.map((p) => p.problem), ['gap over media']);

  const noCause = checkCaseCoverage({ ...base, gaps: [{ channel: 'a', from: 0, to: 2000, cause: ' ' }] }, [seg('a', 2000, 10_000)], ['a'], 40);
  t.deepEqual(noCause.problems.map((p) => p.problem), ['gap without a cause']);

  const missingChannel = checkCaseCoverage(base, [seg('a', 0, 10_000)], ['a', 'b'], 40);
  t.deepEqual(missingChannel.problems, [{ channel: 'b', from: 0, to: 10_000, problem: 'no media and no gap' }]);
});

test('an open case is checked up to its last media', (t) => {
  const open: CaseRecord = { ...base, status: 'open', windowEnd: undefined };
  t.true(checkCaseCoverage(open, [seg('a', 0, 6000)], ['a'], 40).ok);
  t.deepEqual(checkCaseCoverage(open, [seg('a', 1000, 6000)], ['a'], 40).problems.map((p) => [p.from, p.to]), [[0, 1000]]);
});

test('uncovered merges overlapping spans and ignores holes up to the tolerance', (t) => {
  t.deepEqual(uncovered({ from: 0, to: 100 }, [{ from: 0, to: 30 }, { from: 20, to: 50 }, { from: 55, to: 100 }], 10), []);
  t.deepEqual(uncovered({ from: 0, to: 100 }, [{ from: 0, to: 30 }, { from: 60, to: 90 }], 10), [{ from: 30, to: 60 }]);
});
