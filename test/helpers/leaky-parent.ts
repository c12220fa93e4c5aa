/**
 * A parent that dies without its media worker's IPC channel closing: it forks the worker,
 * hands the channel's fd to a `sleep` it starts, prints both PIDs, and waits to be killed.
 * What a worker sees when some other process inherited its service's end of the channel.
 */
import { fork, spawn } from 'node:child_process';
import { workerEnv } from '../../src/media/parent-watch.js';

const workerPath = process.argv[2]!;
const worker = fork(workerPath, [], { env: workerEnv(), stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
const fd = (worker.channel as unknown as { fd: number }).fd;
const holder = spawn('sleep', ['120'], { stdio: ['ignore', 'ignore', 'ignore', fd], detached: true });
holder.unref();
process.stdout.write(`${JSON.stringify({ worker: worker.pid, holder: holder.pid })}\n`);
setInterval(() => {}, 1 << 30);
