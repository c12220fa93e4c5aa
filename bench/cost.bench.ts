/**
 * Cost per channel (issue 14): the same live job done four ways in one run, on the
 * identical input (a clip made here and replayed at its real rate, looped), measured
 * from outside as whole process trees through /proc (every child included):
 * - casecam: `casecam run --config` with N channels of the `replay` template, one media
 *   worker process per channel (the default);
 * - casecamShared: the same with `supervisor.channelsPerWorker` = COST_SHARE (default 4):
 *   up to that many channels' pipelines in one worker process;
 * - gst-launch-1.0: N processes running the identical pipeline (same OSD text);
 * - ffmpeg: N segment recorders (`-re -stream_loop -1 … -f segment`), x264 ultrafast,
 *   zerolatency, the same bitrate and VBV, GOP and segment length, the same watermark
 *   lines (x264's option string in the files is identical to gst-launch's).
 * For each N: CPU-s over a steady window after a warm-up, CPU-s from spawn (start-up
 * included), total RSS of all processes, the largest peak RSS of one, start to first
 * segment, and the ratios to gst-launch and ffmpeg. The four run one after the other
 * (never together), so each has the machine's spare CPU; the load average is printed
 * with each N because a shared machine makes every figure noisy.
 *
 * Parameters (environment): COST_N (default "1,2,4"), COST_SECONDS (steady window,
 * default 20), COST_WARMUP_SECONDS (default 5), COST_SHARE (default 4).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { loadTemplate, renderTemplate } from '../src/media/pipeline-template.js';
import { osdText } from '../src/osd/osd-text.js';
import { makeReplayClip } from '../test/helpers/replay-clip.js';
import { sleep, tempDir, waitFor } from '../test/helpers/test-config.js';
import { cpuSecondsWithReaped, processTree, treeCpuSeconds, treeMemory } from './proc-stats.js';
import { MILESTONES, ringHasData, stopped } from './service-start-probes.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const progress = (s: string) => process.stderr.write(`  cost: ${s}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 25;
const BITRATE_KBPS = 800;
const DEVICE = 'BENCH-1';

interface Way {
  name: 'casecam' | 'casecamShared' | 'gstLaunch' | 'ffmpeg';
  /** Starts the N-channel job; returns the root processes and the directories segments land in. */
  start: (n: number, dir: string) => Promise<{ roots: ChildProcess[]; segmentDirs: string[]; logTimes?: Map<string, number> }>;
}

interface Figures {
  processes: number;
  cpuSecondsSteady: number;
  cpuSecondsFromSpawn: number;
  totalRssMb: number;
  totalPssMb: number;
  maxPeakRssMb: number;
  rssMbPerProcess: number[];
  startToFirstSegmentMs: number;
  /** casecam: ms from spawn to the first log line with each message (JSON logs on stderr). */
  startToLogMs?: Record<string, number>;
}


/** Every process a run started, ended with the bench even if it is interrupted. */
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

async function measure(way: Way, n: number, base: string, seconds: number, warmup: number): Promise<Figures> {
  const dir = path.join(base, `${way.name}-${n}`);
  await mkdir(dir, { recursive: true });
  const spawnedAt = Date.now();
  const { roots, segmentDirs, logTimes } = await way.start(n, dir);
  roots.forEach((c) => live.add(c));
  const pids = roots.map((c) => c.pid!);
  try {
    for (const d of segmentDirs) await waitFor(() => ringHasData(d), 90_000, `${way.name}: a segment in ${d}`);
    const firstSegmentMs = Date.now() - spawnedAt;
    await sleep(warmup * 1000);
    const before = treeCpuSeconds(pids);
    await sleep(seconds * 1000);
    const steady = treeCpuSeconds(pids) - before;
    const mem = treeMemory(pids);
    // From spawn: the roots with their reaped children plus the live descendants.
    const fromSpawn = pids.flatMap(processTree).reduce((s, p) => s + cpuSecondsWithReaped(p), 0);
    for (const c of roots) if (c.exitCode !== null) throw new Error(`${way.name}: a process exited during the run (code ${c.exitCode})`);
    return {
      processes: mem.processes,
      cpuSecondsSteady: round(steady),
      cpuSecondsFromSpawn: round(fromSpawn),
      totalRssMb: mem.totalRssMb,
      totalPssMb: mem.totalPssMb,
      maxPeakRssMb: mem.maxPeakRssMb,
      rssMbPerProcess: mem.rssMb,
      startToFirstSegmentMs: firstSegmentMs,
      ...(logTimes ? { startToLogMs: Object.fromEntries(MILESTONES.map((m) => [m, (logTimes.get(m) ?? NaN) - spawnedAt])) } : {}),
    };
  } finally {
    for (const c of roots) c.kill('SIGINT');
    const killer = setTimeout(() => roots.forEach((c) => c.kill('SIGKILL')), 15_000);
    await Promise.all(roots.map(stopped));
    clearTimeout(killer);
    roots.forEach((c) => live.delete(c));
  }
}

export default async function costBench(): Promise<Record<string, unknown>> {
  const ns = (process.env.COST_N ?? '1,2,4').split(',').map(Number).filter((x) => x > 0);
  const seconds = Number(process.env.COST_SECONDS ?? 20);
  const warmup = Number(process.env.COST_WARMUP_SECONDS ?? 5);
  const base = await tempDir('casecam-bench-cost-');
  // One 10 s clip (a moving ball), raw H.264 for the replay template; the same bitstream
  // in Matroska for ffmpeg, whose -stream_loop cannot seek back in a raw stream.
  const clip = await makeReplayClip(path.join(base, 'clip.h264'), { seconds: 10, width: WIDTH, height: HEIGHT, fps: FPS });
  const clipMkv = path.join(base, 'clip.mkv');
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-r', String(FPS), '-i', clip, '-c', 'copy', clipMkv]);

  const channelParams = { file: clip, fps: FPS, bitrate: BITRATE_KBPS };
  const share = Number(process.env.COST_SHARE ?? 4);
  const configFor = (n: number, dataDir: string, channelsPerWorker = 1) =>
    parseConfig({
      deviceId: DEVICE,
      kind: 'counter',
      channels: Array.from({ length: n }, (_, i) => ({ id: `cam${i + 1}`, template: 'replay', params: channelParams })),
      mqtt: { embeddedPort: 0 },
      supervisor: { channelsPerWorker },
      paths: { dataDir },
    });
  const defaults = configFor(1, base).recording;
  const gopFrames = Math.max(1, Math.round(FPS * defaults.gopSeconds));
  const lines = osdText({ deviceId: DEVICE, caseIds: [] }).trim().split('\n');

  const casecamWay = (name: 'casecam' | 'casecamShared', channelsPerWorker: number): Way => ({
    name,
    async start(n, dir) {
      const config = configFor(n, dir, Math.min(channelsPerWorker, n));
      const file = path.join(dir, 'config.json');
      await writeFile(file, JSON.stringify({ ...config, paths: { dataDir: dir } }));
      const child = spawn(process.execPath, [MAIN, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      const logTimes = new Map<string, number>();
      let partial = '';
      child.stderr.on('data', (d: Buffer) => {
        const text = partial + d.toString();
        const lines = text.split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          try {
            const { msg, time } = JSON.parse(line) as { msg?: string; time?: number };
            if (msg && time && !logTimes.has(msg)) logTimes.set(msg, time);
          } catch {
            /* not a log line */
          }
        }
      });
      return { roots: [child], segmentDirs: [path.join(dir, 'ring')], logTimes };
    },
  });
  const casecam = casecamWay('casecam', 1);
  const casecamShared = casecamWay('casecamShared', share);

  const tpl = await loadTemplate('replay');
  const gstLaunch: Way = {
    name: 'gstLaunch',
    async start(n, dir) {
      const roots: ChildProcess[] = [];
      const segmentDirs: string[] = [];
      for (let i = 0; i < n; i++) {
        const out = path.join(dir, `p${i}`);
        await mkdir(out);
        const desc = renderTemplate(tpl, { template: 'replay', params: channelParams, fps: FPS, gopSeconds: defaults.gopSeconds, segmentSeconds: defaults.segmentSeconds, location: path.join(out, 'x_%05d.mkv') });
        // The same watermark the service sets: gst-launch takes no newline in a property,
        // so each further line is its own overlay under the first.
        const extra = lines.slice(1).map((line, j) => ` ! textoverlay text="${line}" halignment=left valignment=top ypad=${6 + (j + 1) * 17} shaded-background=true font-desc="Sans 10" line-alignment=left`).join('');
        const identical = desc.replace(/(clockoverlay name=osd[^!]*)/, `$1 text="${lines[0]}"${extra} `);
        roots.push(spawn('sh', ['-c', `exec gst-launch-1.0 -q -e ${identical}`], { stdio: 'ignore' }));
        segmentDirs.push(out);
      }
      return { roots, segmentDirs };
    },
  };

  const ffmpeg: Way = {
    name: 'ffmpeg',
    async start(n, dir) {
      const roots: ChildProcess[] = [];
      const segmentDirs: string[] = [];
      const osdFile = path.join(dir, 'osd.txt');
      await writeFile(osdFile, `%{localtime:%Y-%m-%d %H\\:%M\\:%S} ${lines[0]}\n${lines.slice(1).join('\n')}\n`);
      for (let i = 0; i < n; i++) {
        const out = path.join(dir, `p${i}`);
        await mkdir(out);
        const args = ['-nostdin', '-v', 'error', '-re', '-stream_loop', '-1', '-i', clipMkv,
          '-vf', `drawtext=textfile=${osdFile}:x=4:y=4:fontsize=13:box=1:boxcolor=black@0.5:fontcolor=white`,
          // x264enc's rate control is CBR with a VBV of vbv-buf-capacity (600 ms): the same
          // here, so both write the identical x264 option string (in each file's SEI).
          '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', `${BITRATE_KBPS}k`,
          '-maxrate', `${BITRATE_KBPS}k`, '-bufsize', `${Math.round(BITRATE_KBPS * 0.6)}k`, '-g', String(gopFrames),
          '-an', '-f', 'segment', '-segment_time', String(defaults.segmentSeconds), '-segment_format', 'matroska', path.join(out, 'x_%05d.mkv')];
        roots.push(spawn('ffmpeg', args, { stdio: 'ignore' }));
        segmentDirs.push(out);
      }
      return { roots, segmentDirs };
    },
  };

  const curve: Record<string, unknown> = {};
  for (const n of ns) {
    const load = loadavg().map((x) => round(x, 1));
    const row: Record<string, unknown> = { loadAverageAtStart: load };
    const figures: Partial<Record<Way['name'], Figures>> = {};
    for (const way of [casecam, casecamShared, gstLaunch, ffmpeg]) {
      progress(`N=${n} ${way.name}: warm-up ${warmup} s, then ${seconds} s (load ${load.join(' ')})`);
      try {
        figures[way.name] = await measure(way, n, base, seconds, warmup);
        row[way.name] = figures[way.name];
      } catch (err) {
        row[way.name] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    const g = figures.gstLaunch;
    const f = figures.ffmpeg;
    if (g) row.rssTargetMb = round(1.3 * g.totalRssMb + 60, 1);
    const ratios = (c: Figures | undefined) => ({
      ...(c && g
        ? {
            cpuRatioToGstLaunch: round(c.cpuSecondsSteady / g.cpuSecondsSteady, 3),
            rssRatioToGstLaunch: round(c.totalRssMb / g.totalRssMb, 3),
            pssRatioToGstLaunch: round(c.totalPssMb / g.totalPssMb, 3),
          }
        : {}),
      ...(c && f ? { cpuRatioToFfmpeg: round(c.cpuSecondsSteady / f.cpuSecondsSteady, 3), rssRatioToFfmpeg: round(c.totalRssMb / f.totalRssMb, 3) } : {}),
    });
    Object.assign(row, ratios(figures.casecam));
    row.casecamSharedRatios = ratios(figures.casecamShared);
    if (g && f) row.gstLaunchCpuRatioToFfmpeg = round(g.cpuSecondsSteady / f.cpuSecondsSteady, 3);
    row.loadAverageAtEnd = loadavg().map((x) => round(x, 1));
    curve[`N${n}`] = row;
  }
  return {
    input: `replayed clip ${WIDTH}x${HEIGHT} ${FPS} fps, x264 ultrafast zerolatency ${BITRATE_KBPS} kbit/s, GOP ${gopFrames}, ${defaults.segmentSeconds} s Matroska segments, video only`,
    steadySeconds: seconds,
    casecamSharedChannelsPerWorker: share,
    warmupSeconds: warmup,
    curve,
    targetsAtN4: { rss: '≤ 1.3 × gst-launch total + 60 MB', cpuRatioToGstLaunch: '≤ 1.03', cpuRatioToFfmpeg: '≤ 0.85' },
  };
}
