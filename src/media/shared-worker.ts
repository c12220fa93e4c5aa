/**
 * The service's side of a media worker host (media-worker-host.ts): one process running
 * several channels' pipelines (`supervisor.channelsPerWorker` > 1). Each channel's
 * supervisor gets a WorkerHandle that behaves like its own worker process: messages
 * wrapped with the channel, and an `exit` when that channel's runner has ended or the
 * whole process has died.
 *
 * Invariants: every handle emits `exit` exactly once. The process is started by the
 * first channel that needs it and let go (disconnected, so it exits) once no channel
 * runs in it; a channel started later gets a new process.
 */
import { workerEnv } from './parent-watch.js';
import { EventEmitter } from 'node:events';
import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from '../core/logger.js';
import type { ToWorker } from './worker-protocol.js';
import type { WorkerHandle } from './worker-handle.js';
import { WORKER_EXEC_ARGV, threadPoolFor } from './worker-exec-argv.js';

export class SharedWorker {
  private proc: ChildProcess | undefined;
  private readonly handles = new Map<string, SharedWorkerChannel>();

  constructor(private readonly opts: { hostPath: string; channels: number; log: Logger }) {}

  /** A handle for `channel`'s runner in this host (started now if it is not running). */
  launch(channel: string): WorkerHandle {
    const proc = this.proc ?? this.fork();
    const handle = new SharedWorkerChannel(channel, proc, (h, code, signal) => this.ended(h, code, signal));
    const earlier = this.handles.get(channel);
    this.handles.set(channel, handle);
    earlier?.end(null, null); // not expected: a supervisor launches only after its last handle's exit
    return handle;
  }

  private fork(): ChildProcess {
    const env = workerEnv({ UV_THREADPOOL_SIZE: threadPoolFor(this.opts.channels) });
    const proc = fork(this.opts.hostPath, [], { execArgv: WORKER_EXEC_ARGV, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc = proc;
    const mine = () => [...this.handles.values()].filter((h) => h.proc === proc);
    proc.on('message', (raw: unknown) => {
      if (typeof raw !== 'object' || raw === null) return;
      const { ch, msg, exit } = raw as { ch?: unknown; msg?: unknown; exit?: unknown };
      const handle = typeof ch === 'string' ? this.handles.get(ch) : undefined;
      if (!handle || handle.proc !== proc) return;
      if (typeof exit === 'number') handle.end(exit, null);
      else handle.emit('message', msg);
    });
    proc.once('exit', (code, signal) => {
      if (this.proc === proc) this.proc = undefined;
      for (const h of mine()) h.end(code, signal);
    });
    proc.on('error', (err) => {
      this.opts.log.error({ err, workerPid: proc.pid }, 'media worker host process error');
      for (const h of mine()) h.emit('error', err);
    });
    return proc;
  }

  private ended(handle: SharedWorkerChannel, _code: number | null, _signal: NodeJS.Signals | null): void {
    if (this.handles.get(handle.channel) === handle) this.handles.delete(handle.channel);
    const proc = handle.proc;
    if ([...this.handles.values()].some((h) => h.proc === proc)) return;
    // No channel runs in it any more: let it go (it exits on disconnect).
    if (this.proc === proc) this.proc = undefined;
    if (proc.connected) proc.disconnect();
  }
}

/** One channel in a shared host process, seen by its supervisor as a worker. */
class SharedWorkerChannel extends EventEmitter implements WorkerHandle {
  private done = false;

  constructor(
    readonly channel: string,
    readonly proc: ChildProcess,
    private readonly onEnd: (h: SharedWorkerChannel, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    super();
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get connected(): boolean {
    return !this.done && this.proc.connected;
  }

  send(msg: ToWorker, cb?: (err: Error | null) => void): boolean {
    if (!this.connected) {
      cb?.(new Error('media worker channel has ended'));
      return false;
    }
    return this.proc.send({ ch: this.channel, msg }, cb);
  }

  /**
   * A channel cannot be killed alone: SIGKILL (a stop that did not finish in time) ends
   * the whole process, and every channel in it; any other signal asks this channel to stop.
   */
  kill(signal?: NodeJS.Signals | number): boolean {
    if (this.done) return false;
    if (signal === 'SIGKILL') return this.proc.kill('SIGKILL');
    return this.send({ type: 'stop' });
  }

  /** Emits `exit` once: the runner ended (`code`) or the process died. */
  end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.done) return;
    this.done = true;
    this.onEnd(this, code, signal);
    this.emit('exit', code, signal);
  }
}
