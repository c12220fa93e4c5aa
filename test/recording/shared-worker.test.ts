/**
 * Channels sharing one media worker process (`supervisor.channelsPerWorker`): a pipeline
 * that fails restarts alone, inside the same process, while the other channel records on
 * without a gap; a kill -9 of the process restarts every channel in it, each with its gap.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseConfig } from '../../src/config/load.js';
import type { GapEvent } from '../../src/core/events.js';
import type { RingSegment } from '../../src/core/segment.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';

test('shared worker: a dead camera restarts only its own pipeline; the good channel records on in the same process', async (t) => {
  const dir = await tempDir();
  const base = testConfig(dir, { channels: 1 });
  const config = parseConfig({
    ...base,
    channels: [...base.channels, { id: 'dead', template: 'v4l2-x264', params: { device: '/dev/casecam-no-such-camera' } }],
    supervisor: { restartInitialMs: 100, restartMaxMs: 1000, channelsPerWorker: 2 },
  });
  const app = await buildService(config, { log: silentLogger() });
  const gaps: GapEvent[] = [];
  const closed: RingSegment[] = [];
  let health = 0;
  app.bus.on('recording.gap', (g) => void gaps.push(g));
  app.bus.on('segment.closed', (s) => void (s.channel === 'cam1' && closed.push(s)));
  app.bus.on('media.health', (h) => void (h.channel === 'cam1' && h.video && health++));
  await app.start();
  t.teardown(() => app.stop());
  const [good, dead] = app.supervisors;
  await waitFor(() => closed.length >= 1, 20_000, 'a first segment of the good channel');
  const hostPid = good!.pid;
  t.truthy(hostPid);
  const pidsSeen = new Set<number>();
  const watch = setInterval(() => dead!.pid && pidsSeen.add(dead!.pid), 20);
  t.teardown(() => clearInterval(watch));
  const restartsBefore = dead!.restarts;
  await waitFor(() => dead!.restarts >= restartsBefore + 3, 30_000, 'the dead channel to be retried three times');
  const healthBefore = health;
  const closedBefore = closed.length;
  await waitFor(() => closed.length >= closedBefore + 2 && health >= healthBefore + 2, 20_000, 'the good channel to go on recording');
  clearInterval(watch);

  t.deepEqual([...pidsSeen], [hostPid], 'the dead channel was retried inside the shared process');
  t.is(good!.pid, hostPid, 'the good channel still runs in the same process');
  t.is(good!.restarts, 0);
  t.deepEqual(gaps.filter((g) => g.channel === 'cam1'), [], 'no gap on the good channel');
  // One run, segments back to back: nothing of the good channel was lost to the other's restarts.
  t.is(new Set(closed.map((s) => s.runId)).size, 1);
  for (let i = 1; i < closed.length; i++) t.is(closed[i]!.start, closed[i - 1]!.end!, `segment ${i} starts where the one before ended`);
});

test('shared worker: kill -9 of the process restarts every channel in it, each with its gap', async (t) => {
  const dir = await tempDir();
  const base = testConfig(dir, { channels: 2 });
  const config = parseConfig({ ...base, supervisor: { restartInitialMs: 200, channelsPerWorker: 2 } });
  const app = await buildService(config, { log: silentLogger() });
  const gaps: GapEvent[] = [];
  app.bus.on('recording.gap', (g) => void gaps.push(g));
  const opened = new Map<string, number>();
  app.bus.on('segment.opened', (s) => void opened.set(s.channel, (opened.get(s.channel) ?? 0) + 1));
  await app.start();
  t.teardown(() => app.stop());
  await waitFor(() => opened.size === 2, 20_000, 'both channels recording');
  const [a, b] = app.supervisors;
  t.is(a!.pid, b!.pid, 'both channels run in one process');
  const pid = a!.pid!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => gaps.length >= 2, 30_000, 'a gap on each channel');
  t.deepEqual(gaps.map((g) => g.channel).sort(), ['cam1', 'cam2']);
  for (const g of gaps) t.regex(g.cause, /killed by SIGKILL/);
  await sleep(500);
  t.not(a!.pid, pid);
  t.is(a!.pid, b!.pid, 'both channels restarted in one new process');
  t.deepEqual([a!.restarts, b!.restarts], [1, 1]);
});
