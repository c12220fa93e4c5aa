/** The media worker's zod-free message check gives the same verdicts as ToWorkerSchema. */
import test from 'ava';
import { checkToWorker, runningNs } from '../../src/media/worker-message-check.js';
import { ToWorkerSchema } from '../../src/media/worker-protocol.js';

const cases: unknown[] = [
  { type: 'start', channel: 'cam1', pipeline: 'videotestsrc ! fakesink', stallSeconds: 10 },
  { type: 'start', channel: 'cam1', pipeline: 'x', stallSeconds: '10' },
  { type: 'start', channel: 1, pipeline: 'x', stallSeconds: 10 },
  { type: 'start', channel: 'cam1', stallSeconds: 10 },
  { type: 'start', channel: 'cam1', pipeline: 'x', stallSeconds: Number.NaN },
  { type: 'osd', text: 'DEV A\nCASE -' },
  { type: 'osd', text: 'x'.repeat(2000) },
  { type: 'osd', text: 'x'.repeat(2001) },
  { type: 'osd' },
  { type: 'stop' },
  { type: 'stop', extra: 1 },
  { type: 'live-start', protocol: 'srt', url: 'srt://127.0.0.1:9000', latencyMs: 200, keyframe: true },
  { type: 'live-start', protocol: 'rtmp', url: 'rtmp://h/app/key', passphrase: 'p'.repeat(79), streamId: 'id', latencyMs: 20, keyframe: false },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', passphrase: 'p'.repeat(80), latencyMs: 200, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', streamId: 'x'.repeat(513), latencyMs: 200, keyframe: true },
  { type: 'live-start', protocol: 'http', url: 'srt://h', latencyMs: 200, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'x'.repeat(513), latencyMs: 200, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', latencyMs: 19, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', latencyMs: 8001, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', latencyMs: 200.5, keyframe: true },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', latencyMs: 200 },
  { type: 'live-start', protocol: 'srt', url: 'srt://h', passphrase: 5, latencyMs: 200, keyframe: true },
  { type: 'live-stop' },
  { type: 'set', element: 'vfault', property: 'alpha', value: 0.5 },
  { type: 'set', element: 'vsrc', property: 'is-live', value: true },
  { type: 'set', element: 'vsrc', property: 'pattern', value: 'black' },
  { type: 'set', element: 'Vsrc!', property: 'alpha', value: 1 },
  { type: 'set', element: 'vsrc', property: 'alpha', value: Number.POSITIVE_INFINITY },
  { type: 'reboot' },
  { type: 'START' },
  null,
  'stop',
  ['stop'],
  42,
];

for (const [i, raw] of cases.entries()) {
  test(`case ${i}: ${JSON.stringify(raw)?.slice(0, 60)}`, (t) => {
    const zod = ToWorkerSchema.safeParse(raw);
    const mine = checkToWorker(raw);
    t.is(mine !== undefined, zod.success);
    if (zod.success) t.deepEqual(mine, zod.data);
  });
}

test('running times: digits pass, anything else is "no time"', (t) => {
  t.is(runningNs('123'), '123');
  t.is(runningNs(BigInt(5)), '5');
  t.is(runningNs(undefined), '18446744073709551615');
  t.is(runningNs('-1'), '18446744073709551615');
  t.is(runningNs('1e9'), '18446744073709551615');
});
