/**
 * A real live receiver on loopback: ffmpeg as an SRT listener or an RTMP server
 * (`-listen 1`), writing what it receives to an MPEG-TS file without decoding. Tests
 * read the file back with ffprobe, an independent decoder.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './mosquitto.js';
import { tempDir, waitFor } from './test-config.js';

const run = promisify(execFile);

export class LiveReceiver {
  private constructor(
    readonly url: string,
    readonly file: string,
    private proc: ChildProcess,
    private readonly args: string[],
  ) {}

  static async start(protocol: 'srt' | 'rtmp'): Promise<LiveReceiver> {
    const port = await freePort();
    const url = protocol === 'srt' ? `srt://127.0.0.1:${port}` : `rtmp://127.0.0.1:${port}/live/cam1`;
    const input = protocol === 'srt' ? ['-i', `${url}?mode=listener`] : ['-listen', '1', '-i', url];
    const file = path.join(await tempDir('casecam-live-'), 'received.ts');
    const args = ['-hide_banner', '-loglevel', 'error', ...input, '-c', 'copy', '-f', 'mpegts', '-y', file];
    return new LiveReceiver(url, file, spawnFfmpeg(args), args);
  }

  /** Kill it (the sender sees the receiver go away). */
  kill(): Promise<void> {
    const proc = this.proc;
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    return exited;
  }

  /** Listen again on the same address, writing to `file`. */
  async restart(file: string): Promise<void> {
    await this.kill();
    const args = [...this.args];
    args[args.length - 1] = file;
    this.proc = spawnFfmpeg(args);
  }

  /** Video frames ffprobe decodes from a received file. */
  static async frames(file: string): Promise<number> {
    try {
      const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
      return Number.parseInt(stdout.trim(), 10) || 0;
    } catch {
      return 0;
    }
  }

  /** Audio frames ffprobe decodes from a received file, with the audio codec's name. */
  static async audio(file: string): Promise<{ codec: string; frames: number }> {
    try {
      const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0', file]);
      const [codec = '', frames = ''] = stdout.trim().split(',');
      return { codec, frames: Number.parseInt(frames, 10) || 0 };
    } catch {
      return { codec: '', frames: 0 };
    }
  }

  /** Waits until the received file decodes to at least `n` audio frames. */
  async waitAudioFrames(n: number, ms = 30_000, file = this.file): Promise<{ codec: string; frames: number }> {
    return waitFor(async () => {
      const got = await LiveReceiver.audio(file);
      return got.frames >= n ? got : undefined;
    }, ms, `${n} decodable audio frames at the receiver`);
  }

  /** Waits until the received file decodes to at least `n` video frames. */
  async waitFrames(n: number, ms = 30_000, file = this.file): Promise<number> {
    return waitFor(async () => {
      const got = await LiveReceiver.frames(file);
      return got >= n ? got : undefined;
    }, ms, `${n} decodable frames at the receiver`);
  }
}

function spawnFfmpeg(args: string[]): ChildProcess {
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  proc.on('error', () => undefined);
  return proc;
}
