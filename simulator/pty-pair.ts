/**
 * A linked pair of pseudo-terminals from socat, standing in for a serial cable: the
 * simulator (or a test) writes into `writer` as the device would, and the service
 * opens `device` with its real serialport path. `unplug()` kills socat (the device
 * vanishes, the link is removed); `plug()` starts it again under the same names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export class PtyPair {
  readonly device: string;
  readonly writerPath: string;
  private proc: ChildProcess | undefined;
  private handle: FileHandle | undefined;

  private constructor(dir: string, device?: string) {
    this.device = device ?? path.join(dir, 'device');
    this.writerPath = path.join(dir, 'writer');
  }

  /** `device`: where the service-side end appears (default: in a fresh tmp dir). */
  static async create(opts: { device?: string } = {}): Promise<PtyPair> {
    const pair = new PtyPair(await mkdtemp(path.join(os.tmpdir(), 'casecam-pty-')), opts.device);
    await pair.plug();
    return pair;
  }

  async plug(): Promise<void> {
    this.proc = spawn('socat', [`pty,raw,echo=0,link=${this.writerPath}`, `pty,raw,echo=0,link=${this.device}`], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if ((await exists(this.device)) && (await exists(this.writerPath))) break;
      await sleep(20);
    }
    if (!(await exists(this.device))) throw new Error(`socat did not create ${this.device}`);
    this.handle = await open(this.writerPath, 'r+');
  }

  async unplug(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
  }

  /** Write raw bytes (or text) as the device would send them. */
  async write(data: string | Buffer): Promise<void> {
    if (!this.handle) throw new Error('pty unplugged');
    await this.handle.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  async close(): Promise<void> {
    await this.unplug();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
