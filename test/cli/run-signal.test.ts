/**
 * `casecam run` honours SIGTERM from the moment it starts the service: a stop asked for
 * while the recorder is still starting (systemd stopping a unit that is starting) waits
 * for the start, then stops cleanly, instead of Node's default of dying on the spot.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('SIGTERM during start-up stops the service cleanly once it has started', async (t) => {
  const dir = await tempDir('casecam-run-signal-');
  const config = testConfig(dir, { channels: 1 });
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  // Ring files a crash left without rows: recovery adopts each one, so the start takes a
  // while and the signal surely lands in the middle of it.
  const ringDir = path.join(dir, 'ring');
  await mkdir(ringDir, { recursive: true });
  const runId = Date.now() - 3_600_000;
  for (let i = 0; i < 4000; i++) await writeFile(path.join(ringDir, `cam1_${runId}_${String(i).padStart(5, '0')}.mkv`), 'x');
  const child = spawn(process.execPath, [CLI, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CASECAM_LOG_JSON: '1' } });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // The store is opened early in the recorder's start, before recovery and the workers.
  await waitFor(() => access(path.join(dir, 'db', 'LOCK')).then(() => true, () => false), 30_000, 'the recorder to be starting');
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  t.deepEqual({ code, signal }, { code: 0, signal: null }, log.slice(-2000));
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  t.true((await store.getMeta()).cleanShutdown, 'the stop was clean');
  await store.close();
});

/** A config whose device key is a FIFO: reading it blocks a file-system call for ever, as a wedged mount would. */
async function hangingStart(prefix: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir(prefix);
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(testConfig(dir, { channels: 1 })));
  await mkdir(path.join(dir, 'keys'), { recursive: true });
  await promisify(execFile)('mkfifo', [path.join(dir, 'keys', 'device.key')]);
  return { dir, file };
}

function runCasecam(file: string) {
  const child = spawn(process.execPath, [CLI, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CASECAM_LOG_JSON: '1' } });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, exited, log: () => log };
}

test('SIGTERM during a start that hangs still ends the process, non-zero, and says why', async (t) => {
  const { dir, file } = await hangingStart('casecam-run-hang-');
  const run = runCasecam(file);
  t.teardown(() => run.child.kill('SIGKILL'));
  // The store opens just before the key is read: from then on the start hangs.
  await waitFor(() => access(path.join(dir, 'db', 'LOCK')).then(() => true, () => false), 30_000, 'the recorder to be starting');
  const sentAt = Date.now();
  run.child.kill('SIGTERM');
  const bound = await Promise.race([run.exited, new Promise<undefined>((r) => setTimeout(r, 45_000))]);
  t.truthy(bound, `still running 45 s after SIGTERM: ${run.log().slice(-1000)}`);
  const { code, signal, at } = bound!;
  t.true(code !== 0 || signal !== null, `exit ${code} ${signal}`);
  t.true(at - sentAt < 45_000);
  t.regex(run.log(), /the start did not finish within 10 s of SIGTERM: ending the process without a clean stop/);
  // The database lock went with the process: another command can open the store.
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  await store.close();
});

test('a start step that hangs fails the start with the step named, and the process ends', async (t) => {
  const { file } = await hangingStart('casecam-run-hang2-');
  const run = runCasecam(file);
  t.teardown(() => run.child.kill('SIGKILL'));
  const bound = await Promise.race([run.exited, new Promise<undefined>((r) => setTimeout(r, 90_000))]);
  t.truthy(bound, `still running after 90 s: ${run.log().slice(-1000)}`);
  t.true(bound!.code !== 0 || bound!.signal !== null);
  t.regex(run.log(), /loading the device key did not finish within 30 s/);
});
