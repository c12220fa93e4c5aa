/**
 * A linked pair of pseudo-terminals from socat, standing in for a serial cable: the
 * test writes into `writer` (the device side) and the code under test opens `device`
 * with the real serialport adapter. `unplug()` kills socat (the device vanishes, the
 * link is removed); `plug()` starts it again under the same names.
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

  private constructor(readonly dir: string) {
    this.device = path.join(dir, 'device');
    this.writerPath = path.join(dir, 'writer');
  }

  static async create(): Promise<PtyPair> {
    const pair = new PtyPair(await mkdtemp(path.join(os.tmpdir(), 'casecam-pty-')));
    await pair.plug();
    return pair;
  }

  async plug(): Promise<void> {
    this.proc = spawn('socat', [`pty,raw,echo=0,link=${this.writerPath}`, `pty,raw,echo=0,link=${this.device}`], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if ((await exists(this.device)) && (await exists(this.writerPath))) break;
      await sleep(20);
    }
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

/** Poll until `check` is true, at most `timeoutMs`; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
