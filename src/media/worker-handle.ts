/**
 * What a channel supervisor uses of its media worker: a forked process (media-worker.ts,
 * one channel each) or one channel in a shared host process (shared-worker.ts).
 * `exit` is emitted once, when the channel's pipeline is gone.
 */
import type { ToWorker } from './worker-protocol.js';

export interface WorkerHandle {
  readonly pid?: number | undefined;
  readonly connected: boolean;
  send(msg: ToWorker, cb?: (err: Error | null) => void): boolean;
  kill(signal?: NodeJS.Signals | number): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'message', listener: (msg: unknown) => void): this;
}
