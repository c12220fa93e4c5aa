/**
 * Start-up (issue 14): `casecam run --config` as a device starts it (one test-av channel,
 * 640×360, an external broker: a real mosquitto on loopback), spawned STARTUP_RUNS times
 * (default 5), each on a fresh data directory. Per start, from the spawn:
 * - firstFrameMs: the first segment file in the ring with data in it. The muxer writes the
 *   file's header with the first media it is given, and splitmuxsink gives it media one
 *   whole GOP at a time, so this is the first GOP reaching the file (the first frame
 *   recorded), not the first closed segment;
 * - statusOnlineMs: the retained `online` on `casecam/<id>/status` reaching a subscriber;
 * - the log milestones (media worker started, service started, connected to broker).
 * Median, p95 and max over the starts, and the load average (the machine is shared).
 * Targets: first frame ≤ 1.5 s, status online ≤ 2 s.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { Mosquitto } from '../test/helpers/mosquitto.js';
import { Watcher } from '../test/helpers/mqtt-watch.js';
import { sleep, tempDir } from '../test/helpers/test-config.js';
import { MILESTONES, ringHasData, stopped } from './service-start-probes.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const progress = (s: string) => process.stderr.write(`  startup: ${s}\n`);
const load = () => loadavg().map((x) => Math.round(x * 10) / 10);

async function oneStart(broker: Mosquitto, base: string, i: number): Promise<Record<string, number>> {
  const deviceId = `BENCH-S${i}`;
  const dataDir = path.join(base, `run${i}`);
  const config = parseConfig({ deviceId, kind: 'counter', channels: [{ id: 'cam1', template: 'test-av' }], mqtt: { url: broker.url }, paths: { dataDir } });
  const file = path.join(base, `config${i}.json`);
  await writeFile(file, JSON.stringify(config));
  const watcher = await Watcher.connect(broker.url, [`casecam/${deviceId}/status`]);
  const logTimes = new Map<string, number>();
  let onlineAt: number | undefined;
  watcher.client.on('message', (_topic, payload) => {
    if (onlineAt === undefined && payload.toString() === 'online') onlineAt = Date.now();
  });
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [MAIN, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
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
  try {
    // Polled every 5 ms (the test helper's waitFor polls every 100 ms: too coarse here).
    let firstFrameAt: number | undefined;
    const until = spawnedAt + 90_000;
    while (firstFrameAt === undefined || onlineAt === undefined) {
      if (Date.now() > until) throw new Error(`start ${i}: no first frame or status online within 90 s`);
      if (firstFrameAt === undefined && (await ringHasData(path.join(dataDir, 'ring')))) firstFrameAt = Date.now();
      await sleep(5);
    }
    return {
      firstFrameMs: firstFrameAt - spawnedAt,
      statusOnlineMs: onlineAt - spawnedAt,
      ...Object.fromEntries(MILESTONES.map((m) => [`log: ${m}`, (logTimes.get(m) ?? NaN) - spawnedAt])),
    };
  } finally {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await stopped(child);
    clearTimeout(killer);
    await watcher.close();
  }
}

function summary(values: number[]): { median: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

export default async function startupBench(): Promise<Record<string, unknown>> {
  const runs = Number(process.env.STARTUP_RUNS ?? 5);
  const broker = await Mosquitto.start();
  const base = await tempDir('casecam-bench-startup-');
  const loadAverageAtStart = load();
  const perRun: Array<Record<string, number>> = [];
  try {
    for (let i = 1; i <= runs; i++) {
      progress(`start ${i} of ${runs} (load ${load().join(' ')})`);
      perRun.push(await oneStart(broker, base, i));
    }
  } finally {
    await broker.stop();
  }
  return {
    runs,
    loadAverageAtStart,
    loadAverageAtEnd: load(),
    firstFrameMs: summary(perRun.map((r) => r.firstFrameMs!)),
    statusOnlineMs: summary(perRun.map((r) => r.statusOnlineMs!)),
    perRun,
    targets: { firstFrameMs: '≤ 1500', statusOnlineMs: '≤ 2000' },
  };
}
