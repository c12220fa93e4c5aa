/** Shared by the evidence tests: a real recorder in-process, the CLI as a child process, events. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildService, type Service } from '../../src/service/build-service.js';
import type { BusEvents } from '../../src/core/events.js';
import { sleep } from '../helpers/test-config.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export async function startRecorder(config: Config): Promise<Service> {
  const r = await buildService(config, { log: silentLogger() });
  await r.start();
  return r;
}

export function nextEvent<K extends keyof BusEvents>(
  r: Service,
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

/** Open a case, let it record, serve the documents, wait until it is closed and sealed. */
export async function recordCase(r: Service, caseId: string, seconds: number): Promise<void> {
  const closed = nextEvent(r, 'case.closed', (e) => e.caseId === caseId);
  await r.sessions.open({ caseId, trigger: 'application.accepted', source: 'test' });
  await sleep(seconds * 1000);
  await r.sessions.close({ caseId, trigger: 'documents.served', documents: ['DOC-1'], source: 'test' });
  await closed;
  await r.sessions.idle();
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

export const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);
