/**
 * Live view figures (issue 10), with ffmpeg as the SRT receiver on loopback:
 * - startToFirstFrameMs: `live.start` until the receiver has decoded its first frame
 *   (median, p95 over RUNS; target ≤ 1500 ms)
 * - latencyMs: a frame's capture wall time (its running time mapped to wall clock, as
 *   segments are) until the receiver has decoded it (median, p95; target median ≤ 500 ms
 *   with SRT latency 50 ms on loopback)
 * - liveCpuFraction: CPU of the service with one channel streaming live (main process,
 *   media worker with its live sender pipeline) ÷ the same channel recording without live, minus 1
 *   (target ≤ 0.10: no second encode)
 * The channel is the test template at its defaults (640×360, 25 fps).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildService, type Service } from '../src/service/build-service.js';
import { silentLogger } from '../src/core/logger.js';
import { parseConfig } from '../src/config/load.js';
import { frameWallTime } from '../test/helpers/case-media.js';
import { freePort } from '../test/helpers/mosquitto.js';
import { sleep, tempDir } from '../test/helpers/test-config.js';
import { cpuSeconds } from './proc-stats.js';

const run = promisify(execFile);
const progress = (s: string) => process.stderr.write(`  live: ${s}\n`);
const RUNS = 7;
const CPU_SECONDS = 20;
const SRT_LATENCY_MS = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** ffmpeg as SRT listener that decodes and prints every frame's PTS (showinfo) as it arrives. */
function receiver(port: number, onFrame: (ptsSeconds: number, at: number) => void): ChildProcess {
  const ff = spawn(
    'ffmpeg',
    // A player tuned for live: small probe, no input buffering (ffmpeg's default probing waits ~5 s).
    ['-hide_banner', '-loglevel', 'info', '-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32768', '-analyzeduration', '0', '-copyts', '-i', `srt://127.0.0.1:${port}?mode=listener&latency=${SRT_LATENCY_MS * 1000}`, '-vf', 'showinfo', '-f', 'null', '-'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let buf = '';
  ff.stderr.on('data', (chunk: Buffer) => {
    const at = Date.now();
    buf += chunk.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const m = /Parsed_showinfo.*\bpts_time:\s*([\d.]+)/.exec(line);
      if (m) onFrame(Number(m[1]), at);
    }
  });
  return ff;
}

/** mpegtsmux's PTS for running time 0 on this GStreamer: measured, not assumed. */
async function tsPtsOffsetSeconds(): Promise<number> {
  const file = path.join(await tempDir('casecam-bench-live-'), 'probe.ts');
  await run('gst-launch-1.0', ['-q', 'videotestsrc', 'num-buffers=1', '!', 'x264enc', 'tune=zerolatency', '!', 'h264parse', '!', 'mpegtsmux', '!', 'filesink', `location=${file}`]);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  return Number(stdout.trim().split('\n')[0]);
}

/** CPU seconds of each process in the tree under `root`, by pid. */
function treeCpu(root: number): Map<number, number> {
  // The service and its media worker (with, while live, its sender pipeline). Receivers
  // (ffmpeg) are children too: only service processes (node) are counted, so a receiver
  // killed between two samples cannot make a window's figure negative.
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pids[i]) pids.push(Number(entry));
      } catch {
        /* gone */
      }
    }
  }
  const node = pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
    } catch {
      return false;
    }
  });
  return new Map(node.map((pid) => [pid, cpuSeconds(pid)]));
}

/** CPU the tree used from `before` to now, per process present at both ends. */
function cpuSince(root: number, before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of treeCpu(root)) if (before.has(pid)) sum += cpu - before.get(pid)!;
  return sum;
}

async function startService(): Promise<{ service: Service; wallBase: Promise<number> }> {
  const dir = await tempDir('casecam-bench-live-');
  const config = parseConfig({ deviceId: 'BENCH-LIVE', kind: 'counter', channels: [{ id: 'cam1', template: 'test-av' }], paths: { dataDir: dir }, live: { latencyMs: SRT_LATENCY_MS } });
  const service = await buildService(config, { log: silentLogger() });
  const wallBase = new Promise<number>((resolve) => service.bus.on('segment.opened', (s) => resolve(frameWallTime(s, 0))));
  await service.start();
  return { service, wallBase };
}

export default async function bench(): Promise<Record<string, unknown>> {
  const offset = await tsPtsOffsetSeconds();
  const { service, wallBase } = await startService();
  try {
    const base = await wallBase;
    await sleep(3000);
    const startMs: number[] = [];
    const latencyMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const port = await freePort();
      let first: number | undefined;
      const ff = receiver(port, (pts, at) => {
        first ??= at;
        // Frames after the first second: the start-up burst (the GOP's first frames) is in startToFirstFrame.
        if (at - first > 1000) latencyMs.push(at - (base + (pts - offset) * 1000));
      });
      await sleep(500); // the listener binds; the sender retries anyway
      const t0 = Date.now();
      service.live.startLive({ url: `srt://127.0.0.1:${port}`, reason: 'bench' });
      for (let waited = 0; first === undefined && waited < 15_000; waited += 20) await sleep(20);
      if (first !== undefined) startMs.push(first - t0);
      await sleep(4000);
      service.live.stopLive({});
      ff.kill('SIGKILL');
      await sleep(1000);
      progress(`run ${i + 1}: first frame after ${first === undefined ? 'none' : first - t0} ms`);
    }

    const pid = process.pid;
    const idleBefore = treeCpu(pid);
    await sleep(CPU_SECONDS * 1000);
    const recordingCpu = cpuSince(pid, idleBefore);
    const port = await freePort();
    const ff = receiver(port, () => undefined);
    await sleep(500);
    service.live.startLive({ url: `srt://127.0.0.1:${port}`, reason: 'bench' });
    await sleep(3000);
    const liveBefore = treeCpu(pid);
    await sleep(CPU_SECONDS * 1000);
    const liveCpu = cpuSince(pid, liveBefore);
    service.live.stopLive({});
    ff.kill('SIGKILL');
    progress(`CPU ${CPU_SECONDS} s: recording ${recordingCpu.toFixed(2)} s, recording + live ${liveCpu.toFixed(2)} s`);
    return {
      runs: RUNS,
      startToFirstFrameMs: { median: pct(startMs, 50), p95: pct(startMs, 95), target: '≤ 1500' },
      latencyMs: { median: Math.round(pct(latencyMs, 50)), p95: Math.round(pct(latencyMs, 95)), frames: latencyMs.length, srtLatencyMs: SRT_LATENCY_MS, target: 'median ≤ 500' },
      liveCpuFraction: { recordingCpuSeconds: recordingCpu, withLiveCpuSeconds: liveCpu, fraction: Number((liveCpu / recordingCpu - 1).toFixed(3)), target: '≤ 0.10' },
      tsPtsOffsetSeconds: offset,
    };
  } finally {
    await service.stop();
  }
}
