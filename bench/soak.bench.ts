/**
 * Soak (issue 14): the whole service (test-av, two channels at the template's defaults,
 * embedded broker, health every 10 s) in a child process for SOAK_MINUTES (default 3, so
 * `npm run bench` stays bounded; 60 for the figure), with a case opened every
 * SOAK_CASE_SECONDS (default 60), a marker every 10 s while it is open, closed after two
 * thirds of the cycle: sealing, hashing, the journal and the outbox all turn over.
 * The RSS of every process (service, each media worker) is sampled every
 * SOAK_SAMPLE_SECONDS (default 60); reported: each process's samples, and the
 * least-squares slope over the second half with the growth it implies over that half.
 * The service's V8 heapUsed is sampled alongside: a rising heap is a leak in our objects,
 * RSS rising over a flat heap is the allocator (glibc arenas, fragmentation).
 */
import path from 'node:path';
import { loadavg } from 'node:os';
import { parseConfig } from '../src/config/load.js';
import { HostClient } from '../test/helpers/host-client.js';
import { sleep, tempDir } from '../test/helpers/test-config.js';
import { memoryMb } from './proc-stats.js';

const progress = (s: string) => process.stderr.write(`  soak: ${s}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

export default async function soakBench(): Promise<Record<string, unknown>> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 3);
  const cycle = Number(process.env.SOAK_CASE_SECONDS ?? 60) * 1000;
  const every = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60) * 1000;
  const dir = await tempDir('casecam-bench-soak-');
  const config = parseConfig({
    deviceId: 'SOAK-1',
    kind: 'counter',
    channels: [
      { id: 'cam1', template: 'test-av' },
      { id: 'cam2', template: 'test-av', params: { pattern: 'ball' } },
    ],
    recording: { preRecordSeconds: 5, postRecordSeconds: 2 },
    mqtt: { embeddedPort: 0, healthSeconds: 10 },
    paths: { dataDir: path.join(dir, 'data') },
  });
  // With the uplink, as a device runs: embedded broker, health, state, the outbox.
  const host = await HostClient.start(config, dir, { uplink: {} });
  const began = Date.now();
  const end = began + minutes * 60_000;
  const series = new Map<string, Array<[number, number]>>();
  const heap: Array<[number, number]> = [];
  const sample = async () => {
    const pids = await host.call<{ main: number; workers: Array<number | undefined> }>('pids');
    const mem = await host.call<NodeJS.MemoryUsage>('memory');
    const t = (Date.now() - began) / 60_000;
    heap.push([round(t, 3), round(mem.heapUsed / 1048576, 1)]);
    const procs: Array<[string, number | undefined]> = [['service', pids.main], ...pids.workers.map((p, i): [string, number | undefined] => [`worker${i + 1}`, p])];
    for (const [name, pid] of procs) {
      if (!pid) continue;
      try {
        const list = series.get(name) ?? [];
        list.push([round(t, 3), memoryMb(pid).rssMb]);
        series.set(name, list);
      } catch {
        /* restarting worker */
      }
    }
    const now = [...series].map(([name, points]) => `${name} ${points[points.length - 1]?.[1]}`).join(', ');
    progress(`${round(t, 1)} min: rss ${now}; service heapUsed ${heap[heap.length - 1]?.[1]} MB, heapTotal ${round(mem.heapTotal / 1048576, 1)} MB`);
  };
  let cases = 0;
  let markers = 0;
  const errors: string[] = [];
  let nextSample = began;
  try {
    while (Date.now() < end) {
      const caseId = `SOAK-${++cases}`;
      const cycleStart = Date.now();
      progress(`${round((Date.now() - began) / 60_000, 1)} min: case ${caseId} (load ${loadavg().map((x) => round(x, 1)).join(' ')})`);
      await host.call('open', { caseId }).catch((e: Error) => errors.push(`open ${caseId}: ${e.message}`));
      let closed = false;
      while (Date.now() < cycleStart + cycle && Date.now() < end) {
        if (Date.now() >= nextSample) {
          await sample();
          nextSample += every;
        }
        if (!closed && Date.now() - cycleStart >= (cycle * 2) / 3) {
          await host.call('close', { caseId }).catch((e: Error) => errors.push(`close ${caseId}: ${e.message}`));
          closed = true;
        } else if (!closed) {
          await host.call('marker', { caseId, type: 'inquiry' }).then(() => markers++, (e: Error) => errors.push(`marker: ${e.message}`));
        }
        await sleep(Math.min(10_000, Math.max(100, Math.min(nextSample, cycleStart + cycle, end) - Date.now())));
      }
      if (!closed) await host.call('close', { caseId }).catch((e: Error) => errors.push(`close ${caseId}: ${e.message}`));
    }
    await sample();
  } finally {
    await host.call('stop').catch(() => undefined);
    await host.exited;
  }
  const half = minutes / 2;
  const processes: Record<string, unknown> = {};
  for (const [name, points] of series) {
    const second = points.filter(([t]) => t >= half);
    const s = slope(second);
    processes[name] = {
      rssMb: points.map(([, mb]) => mb),
      firstMb: points[0]?.[1],
      lastMb: points[points.length - 1]?.[1],
      secondHalfSlopeMbPerMin: round(s, 3),
      secondHalfGrowthMb: round(s * half, 2),
    };
  }
  const heapSecond = heap.filter(([t]) => t >= half);
  return {
    minutes,
    caseCycleSeconds: cycle / 1000,
    sampleSeconds: every / 1000,
    cases,
    markers,
    errors: errors.slice(0, 5),
    loadAverageAtEnd: loadavg().map((x) => round(x, 1)),
    processes,
    serviceHeapUsedMb: heap.map(([, mb]) => mb),
    serviceHeapSecondHalfGrowthMb: round(slope(heapSecond) * half, 2),
    target: 'secondHalfGrowthMb ≤ 2 for every process over 60 minutes (SOAK_MINUTES=60)',
  };
}
