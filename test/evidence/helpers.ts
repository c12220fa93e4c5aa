/** Shared by the evidence tests: small real recorders, the CLI as a child process, waiting. */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulatedCounterConfig } from '../../src/config/simulated.js';
import type { Config, StorageConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { Recorder } from '../../src/recorder.js';
import type { BusEvents } from '../../src/core/events.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export const tmpDir = (prefix: string) => mkdtemp(path.join(os.tmpdir(), `casecam-${prefix}-`));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The simulated counter box, small and quick: 160x120 test sources, short windows. */
export function smallConfig(
  dataDir: string,
  opts: { channels?: 1 | 2; preRecordSeconds?: number; postRecordSeconds?: number; segmentSeconds?: number; storage?: Partial<StorageConfig> } = {},
): Config {
  const base = simulatedCounterConfig({ dataDir });
  const channels = base.channels.slice(0, opts.channels ?? 2).map((c) => ({ ...c, params: { ...c.params, width: 160, height: 120, bitrate: 200 } }));
  return {
    ...base,
    channels,
    recording: {
      ...base.recording,
      preRecordSeconds: opts.preRecordSeconds ?? 2,
      postRecordSeconds: opts.postRecordSeconds ?? 1,
      segmentSeconds: opts.segmentSeconds ?? 2,
    },
    storage: { ...base.storage, ...opts.storage },
  };
}

export async function startRecorder(config: Config): Promise<Recorder> {
  const r = new Recorder({ config, log: silentLogger() });
  await r.start();
  return r;
}

export function nextEvent<K extends keyof BusEvents>(
  r: Recorder,
  event: K,
  pred: (e: BusEvents[K]) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<BusEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = r.bus.on(event, (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export async function waitFor(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Open a case, let it record, serve the documents, wait until it is closed and sealed. */
export async function recordCase(r: Recorder, caseId: string, seconds: number): Promise<void> {
  const closed = nextEvent(r, 'case.closed', (e) => e.caseId === caseId);
  await r.sessions.open({ caseId, trigger: 'application.accepted', source: 'test' });
  await sleep(seconds * 1000);
  await r.sessions.close({ caseId, trigger: 'documents.served', documents: ['DOC-1'], source: 'test' });
  await closed;
  await r.sessions.idle();
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

export const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

/** Start a child process that can be killed; resolves its handle once spawned. */
export function spawnNode(script: string, args: string[]) {
  return spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
}
