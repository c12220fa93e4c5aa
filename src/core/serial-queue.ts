/**
 * A serial queue: tasks run one at a time, in the order they were queued.
 *
 * Invariants:
 * - A task starts only after every task queued before it has settled.
 * - A task that throws (or rejects) fails only its own promise: the next task runs as
 *   if it had succeeded. Nothing the queue holds ever rejects.
 * - `size` counts tasks queued or running; it drops only once a task has settled, so a
 *   task that queues another (here or on a second queue) keeps its queue busy until then.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private count = 0;
  private readonly settle = (): void => {
    this.count--;
  };

  /** Tasks queued or running. */
  get size(): number {
    return this.count;
  }

  /** Queue `task`; the promise settles with the task's own result or error. */
  run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    this.count++;
    const result = this.tail.then(task);
    this.tail = result.then(this.settle, this.settle);
    return result;
  }

  /** Queue `task` without waiting for it; its failure goes to `onError` (never unhandled). */
  push(task: () => unknown, onError: (err: unknown) => void): void {
    this.run(task).catch(onError);
  }

  /** Resolves once every task queued before this call has settled. */
  settled(): Promise<void> {
    return this.tail;
  }

  /** Resolves once no task is queued or running, including tasks queued meanwhile. */
  async drained(): Promise<void> {
    while (this.count > 0) await this.tail;
  }
}

/** Resolves once none of `queues` holds a task, including tasks they queue on each other meanwhile. */
export async function drainAll(queues: SerialQueue[]): Promise<void> {
  while (queues.some((q) => q.size > 0)) await Promise.all(queues.map((q) => q.settled()));
}
