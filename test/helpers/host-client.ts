/** Parent side of service-host: start it, call it, kill it. */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/schema.js';
import type { UplinkOptions } from '../../src/service/build-uplink.js';

const HOST = fileURLToPath(new URL('./service-host.js', import.meta.url));

export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const m = raw as { id: number; ok: boolean; result?: unknown; error?: string };
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** `options.uplink`: the service reports over MQTT (without it, it has no uplink and no broker). */
  static async start(config: Config, dir: string, options: { uplink?: UplinkOptions } = {}): Promise<HostClient> {
    const file = path.join(dir, `config-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(config));
    const child = fork(HOST, [file, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const host = new HostClient(child);
    await new Promise<void>((resolve, reject) => {
      host.pending.set(0, { resolve: () => resolve(), reject });
      child.once('exit', (code) => reject(new Error(`service host exited early with code ${code}`)));
    });
    return host;
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, args });
    });
  }

  /** kill -9 of the whole service: the main process and every media worker. */
  async kill9(): Promise<number> {
    const pids = await this.call<{ main: number; workers: Array<number | undefined> }>('pids');
    const at = Date.now();
    for (const pid of [pids.main, ...pids.workers]) {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    await this.exited;
    return at;
  }

  /**
   * kill -9 of the main process only: its media workers are left to notice on their own.
   * `beforeKill` runs with the worker pids first (e.g. to SIGSTOP them, so they cannot).
   */
  async kill9Main(beforeKill?: (workers: number[]) => void): Promise<{ main: number; workers: number[] }> {
    const pids = await this.call<{ main: number; workers: Array<number | undefined> }>('pids');
    beforeKill?.(pids.workers.filter((p): p is number => p !== undefined));
    process.kill(pids.main, 'SIGKILL');
    await this.exited;
    return { main: pids.main, workers: pids.workers.filter((p): p is number => p !== undefined) };
  }

  async stop(): Promise<void> {
    await this.call('stop').catch(() => undefined);
    await this.exited;
  }
}
