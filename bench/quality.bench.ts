/**
 * Media health (docs/quality.md):
 * - healthCpu: the test-av recording (640×360, 25 fps, x264, PCM, live) run by
 *   gst-launch-1.0 for 15 s, with and without the media-health taps (sampled thumbnail
 *   branch + level) side by side, 5 rounds, plus the JavaScript the taps cost (thumbnail statistics and IPC in
 *   the worker, judging in the service): what the checks add to a channel, as a
 *   percentage of its recording CPU (target ≤ 3 %).
 * - raiseAfterHoldMs: per alarm, with the default hold times, the time from the fault
 *   (a property set on pipelines/test-faults.pipeline) to `alarm.raised`, minus the
 *   hold time (target ≤ 1000 ms).
 */
import { step } from './bench-step.js';
import { fork, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus } from '../src/core/bus.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import type { AlarmEvent } from '../src/core/events.js';
import { ChannelSupervisor } from '../src/media/channel-supervisor.js';
import { AUDIO_LEVEL, PROBE_FPS, PROBE_HEIGHT, PROBE_WIDTH, VIDEO_PROBE, loadTemplate, renderTemplate } from '../src/media/pipeline-template.js';
import { lumaStats } from '../src/media/health-probe.js';
import { MediaHealth } from '../src/quality/media-health.js';
import { MediaHealthConfigSchema } from '../src/config/quality-schema.js';
import { sleep, tempDir, waitFor } from '../test/helpers/test-config.js';
import { cpuSeconds } from './proc-stats.js';

const WORKER = fileURLToPath(new URL('../src/media/media-worker.js', import.meta.url));
const progress = (s: string) => process.stderr.write(`  quality: ${s}\n`);
const log = silentLogger();

async function render(template: string, dir: string, name: string, params: Record<string, string | number> = {}): Promise<(location: string) => string> {
  const tpl = await loadTemplate(template);
  await mkdir(path.join(dir, name), { recursive: true });
  return (location: string) => renderTemplate(tpl, { template, params, fps: 25, gopSeconds: 0.5, segmentSeconds: 2, location: path.join(dir, name, path.basename(location)) });
}

function supervisor(bus: Bus, channel: string, dir: string, build: (location: string) => string): ChannelSupervisor {
  return new ChannelSupervisor({
    channel,
    fps: 25,
    ringDir: dir,
    buildPipeline: build,
    workerPath: WORKER,
    settings: { restartInitialMs: 200, restartMaxMs: 2000, stallSeconds: 20 },
    bus,
    clock: systemClock,
    log,
  });
}

/**
 * CPU seconds of a process, all its threads, from the scheduler's nanosecond counters
 * (/proc/PID/task/TID/schedstat): /proc/PID/stat counts in 10 ms ticks, a quarter of
 * the whole difference being measured here.
 */
function threadCpuSeconds(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        /* the thread ended */
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e9;
}

/**
 * CPU seconds gst-launch-1.0 spends running each of `descs` (live) for `seconds`, all at
 * the same time, after a 3 s warm-up: whatever else loads the machine then loads each
 * of them alike.
 */
async function gstCpuTogether(descs: string[], seconds: number): Promise<number[]> {
  const runs = descs.map((desc) => {
    const gst = spawn('sh', ['-c', `exec gst-launch-1.0 -q -e ${desc}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    gst.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return { gst, err: () => err, exited: new Promise((r) => gst.once('exit', r)) };
  });
  try {
    await sleep(3000);
    const c0 = runs.map((r) => threadCpuSeconds(r.gst.pid!));
    await sleep(seconds * 1000);
    return runs.map((r, i) => {
      const used = threadCpuSeconds(r.gst.pid!) - c0[i]!;
      if (r.gst.exitCode !== null || used <= 0) throw new Error(`gst-launch-1.0 did not run the pipeline: ${r.err().trim().slice(0, 300)}`);
      return used;
    });
  } finally {
    // -e and SIGINT: each ends through EOS (the tapped one too: its appsink does not hold EOS back).
    for (const r of runs) r.gst.kill('SIGINT');
    const killers = runs.map((r) => setTimeout(() => r.gst.kill('SIGKILL'), 5000));
    await Promise.all(runs.map((r) => r.exited));
    killers.forEach(clearTimeout);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The same live recording with and without the taps, run side by side in each round
 * (one after the other, on a shared machine, gave −6 % to +8 % for the taps within
 * minutes: other load moved each run by more than the taps cost), the taps' share of each
 * round taken as the ratio of the pair, and the median of the rounds reported. The
 * worker's own share (statistics of each thumbnail, IPC of 4 samples a second) and the
 * service's (judging them) are measured apart and added.
 */
async function healthCpu(seconds: number, rounds: number): Promise<Record<string, number | number[]>> {
  const dir = await tempDir('casecam-bench-health-');
  const build = await render('test-av', dir, 'gst');
  await mkdir(path.join(dir, 'plain'), { recursive: true });
  const withTaps = build(path.join(dir, 'gst', 'x_%05d.mkv'));
  // The tee stays: taking it out changes caps negotiation (test-av then converts every
  // frame once more, and costs more), which would hide the taps' own cost.
  const plain = build(path.join(dir, 'plain', 'x_%05d.mkv')).replace(`vtap. ! ${VIDEO_PROBE}`, '').replace(`${AUDIO_LEVEL} ! `, '');
  if (plain.includes('vhealth') || plain.includes('alevel')) throw new Error('the taps were not found in the rendered test-av pipeline');
  const plainRuns: number[] = [];
  const tapRuns: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Which one starts first alternates, so neither always gets the first core.
    const [p, tapped] = i % 2 ? (await gstCpuTogether([withTaps, plain], seconds)).reverse() : await gstCpuTogether([plain, withTaps], seconds);
    plainRuns.push(p!);
    tapRuns.push(tapped!);
    ratios.push(tapped! / p! - 1);
  }
  // The worker's JavaScript: statistics of one 32×24 thumbnail, and one IPC message per sample.
  const frame = new Uint8Array(PROBE_WIDTH * PROBE_HEIGHT).map((_, i) => (i * 37) % 256);
  const prev = new Uint8Array(frame).reverse();
  const n = 100_000;
  let t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) lumaStats(frame, prev);
  let used = process.cpuUsage(t0);
  const statsPerSecond = ((used.user + used.system) / 1e6 / n) * PROBE_FPS;
  const ipcPerMessage = await ipcCost(2000);
  // The service: judging a channel's samples (2 video + 2 audio a second).
  const bus = new Bus(log);
  const judge = new MediaHealth({ bus, clock: systemClock, log, config: MediaHealthConfigSchema.parse({}) });
  judge.start();
  t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    bus.emit('media.health', i % 2 ? { channel: 'c', at: i * 250, video: { mean: 120, stdDev: 60, change: 5 } } : { channel: 'c', at: i * 250, audio: { rmsDb: -20, peakDb: -6 } });
  }
  used = process.cpuUsage(t0);
  judge.stop();
  const judgePerSecond = ((used.user + used.system) / 1e6 / n) * 4;
  const plainCpu = median(plainRuns);
  const pipelineAdded = median(ratios) * plainCpu;
  const jsAdded = (statsPerSecond + ipcPerMessage * 4 + judgePerSecond) * seconds;
  const pct = (x: number) => Math.round((x / plainCpu) * 1000) / 10;
  return {
    secondsPerRun: seconds,
    rounds,
    plainPipelineCpuSeconds: Math.round(plainCpu * 100) / 100,
    tappedPipelineCpuSeconds: Math.round(median(tapRuns) * 100) / 100,
    pipelineAddedPercentPerRound: ratios.map((r) => Math.round(r * 1000) / 10),
    pipelineAddedPercent: pct(pipelineAdded),
    workerAndServiceJsAddedPercent: Math.round((jsAdded / plainCpu) * 10000) / 100,
    totalAddedPercent: pct(pipelineAdded + jsAdded),
  };
}

/** CPU seconds per IPC message of the size a health sample has, sender and receiver together. */
async function ipcCost(n: number): Promise<number> {
  const child = fork(fileURLToPath(new URL('./ipc-echo.js', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  const c0 = cpuSeconds(child.pid!);
  const t0 = process.cpuUsage();
  let got = 0;
  const all = new Promise<void>((resolve) => child.on('message', () => ++got === n && resolve()));
  for (let i = 0; i < n; i++) child.send({ type: 'health', video: { mean: 120.25, stdDev: 60.5, change: 5.125 } });
  await all;
  const used = process.cpuUsage(t0);
  const total = (used.user + used.system) / 1e6 + (cpuSeconds(child.pid!) - c0);
  child.kill();
  return total / n;
}

async function raiseTimes(): Promise<Record<string, number>> {
  const dir = await tempDir('casecam-bench-alarms-');
  const bus = new Bus(log);
  const config = MediaHealthConfigSchema.parse({});
  const health = new MediaHealth({ bus, clock: systemClock, log, config });
  health.start();
  const raised: AlarmEvent[] = [];
  const cleared: AlarmEvent[] = [];
  bus.on('alarm.raised', (x) => void raised.push(x));
  bus.on('alarm.cleared', (x) => void cleared.push(x));
  const cam = supervisor(bus, 'cam', dir, await render('test-faults', dir, 'faults'));
  cam.start();
  const holdMs: Record<string, number> = {
    'camera.blocked': config.blockedHoldSeconds * 1000,
    'camera.dark': config.darkHoldSeconds * 1000,
    'camera.frozen': config.frozenHoldSeconds * 1000,
    'audio.silent': config.silentHoldSeconds * 1000,
    'audio.clipping': config.clippingHoldSeconds * 1000,
  };
  const out: Record<string, number> = {};
  const fault = async (kinds: string[], set: Array<[string, string, number]>, restore: Array<[string, string, number]>) => {
    const from = Date.now();
    for (const [el, prop, v] of set) cam.setProperty(el, prop, v);
    for (const kind of kinds) {
      const a = await waitFor(() => raised.find((r) => r.kind === kind && r.at >= from), 60_000, kind);
      out[kind] = a.at - from - holdMs[kind]!;
    }
    const healed = Date.now();
    for (const [el, prop, v] of restore) cam.setProperty(el, prop, v);
    for (const kind of kinds) await waitFor(() => cleared.find((r) => r.kind === kind && r.at >= healed), 60_000, `${kind} cleared`);
  };
  try {
    await waitFor(() => cam.ok, 30_000, 'the test-faults channel recording');
    await sleep(3000);
    // Each fault on its own, so each figure is its own alarm's.
    await fault(['camera.blocked'], [['vfault', 'contrast', 0], ['vfault', 'brightness', 0.5]], [['vfault', 'contrast', 1], ['vfault', 'brightness', 0]]);
    await fault(['camera.dark'], [['vfault', 'contrast', 0.3], ['vfault', 'brightness', -0.8]], [['vfault', 'contrast', 1], ['vfault', 'brightness', 0]]);
    await fault(['camera.frozen'], [['vsrc', 'horizontal-speed', 0]], [['vsrc', 'horizontal-speed', 3]]);
    await fault(['audio.silent'], [['afault', 'volume', 0]], [['afault', 'volume', 1]]);
    await fault(['audio.clipping'], [['afault', 'volume', 4]], [['afault', 'volume', 1]]);
    return out;
  } finally {
    health.stop();
    await cam.stop();
  }
}

export default async function qualityBench(): Promise<Record<string, unknown>> {
  return {
    healthCpu: await step(progress, 'CPU of the media-health taps: 15 s live with and without side by side, 5 rounds', () => healthCpu(15, 5)),
    raiseAfterHoldMs: await step(progress, 'time to raise each media alarm with the default hold times', raiseTimes),
    targets: { totalAddedPercent: '≤ 3', raiseAfterHoldMs: '≤ 1000 each' },
  };
}
