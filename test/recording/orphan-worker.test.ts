/**
 * A media worker never outlives its service, even when its IPC channel does not close
 * (another process holds the service's end): it notices the re-parenting and exits.
 * Before parent-watch.ts such workers ran on for an hour and hung the test run.
 */
import test from 'ava';
import { processAlive } from '../helpers/process-alive.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/test-config.js';

const PARENT = fileURLToPath(new URL('../helpers/leaky-parent.js', import.meta.url));
const WORKERS = ['media-worker.js', 'media-worker-host.js'].map((f) => fileURLToPath(new URL(`../../src/media/${f}`, import.meta.url)));


for (const workerPath of WORKERS) {
  test(`${workerPath.split('/').pop()}: the service killed, the channel held open elsewhere: the worker exits`, async (t) => {
    const parent = spawn(process.execPath, [PARENT, workerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      parent.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
      parent.once('exit', () => reject(new Error('the parent exited before starting its worker')));
    });
    const { worker, holder } = JSON.parse(line) as { worker: number; holder: number };
    t.teardown(() => {
      for (const pid of [worker, holder]) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    // Killed at once, while the worker may still be loading: it must still know its service.
    t.true(processAlive(worker), 'the worker runs');
    parent.kill('SIGKILL');
    await waitFor(() => !processAlive(worker) || undefined, 30_000, `worker ${worker} to exit after its service was killed`);
    t.false(processAlive(worker));
    t.true(processAlive(holder), 'the channel was still held open: no disconnect told the worker');
  });
}
