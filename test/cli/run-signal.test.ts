/**
 * `casecam run` honours SIGTERM from the moment it starts the service: a stop asked for
 * while the recorder is still starting (systemd stopping a unit that is starting) waits
 * for the start, then stops cleanly, instead of Node's default of dying on the spot.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
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
