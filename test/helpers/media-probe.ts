/**
 * Independent checks of recorded media with Debian's ffprobe/ffmpeg (not GStreamer,
 * which wrote the files), so a bug in our pipeline cannot hide itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedFile {
  file: string;
  /** Video packet timestamps in ms, in presentation order. */
  video: number[];
  /** Audio packets: pts and duration in ms. */
  audio: Array<{ pts: number; dur: number }>;
}

export async function probeFile(file: string): Promise<ProbedFile> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=index,codec_type:packet=stream_index,pts_time,duration_time', '-of', 'json', file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const json = JSON.parse(stdout) as {
    streams: Array<{ index: number; codec_type: string }>;
    packets: Array<{ stream_index: number; pts_time?: string; duration_time?: string }>;
  };
  const kind = new Map(json.streams.map((s) => [s.index, s.codec_type]));
  const ms = (s: string | undefined) => Math.round(Number(s) * 1000);
  const video: number[] = [];
  const audio: Array<{ pts: number; dur: number }> = [];
  for (const p of json.packets) {
    if (kind.get(p.stream_index) === 'video') video.push(ms(p.pts_time));
    else if (kind.get(p.stream_index) === 'audio') audio.push({ pts: ms(p.pts_time), dur: ms(p.duration_time) });
  }
  video.sort((a, b) => a - b);
  audio.sort((a, b) => a.pts - b.pts);
  return { file, video, audio };
}

/** Full decode with ffmpeg; returns its error output ('' when the file decodes cleanly). */
export async function decodeErrors(file: string): Promise<string> {
  try {
    const { stderr } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 });
    return stderr.trim();
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

export interface Continuity {
  files: number;
  videoFrames: number;
  /** Frames missing between consecutive frames (sum of (delta / frame period) − 1). */
  videoLost: number;
  /** Frames whose timestamp repeats or goes backwards. */
  videoDuplicated: number;
  audioSamples: number;
  audioLostSamples: number;
  audioDuplicatedSamples: number;
  firstVideoMs: number;
  lastVideoMs: number;
}

/**
 * Continuity across consecutive files of one channel: every video frame follows the
 * previous one by exactly one frame period, every audio packet starts where the last
 * ended (Matroska stores ms, so ±1 ms is rounding, not loss).
 */
export function continuity(files: ProbedFile[], fps: number, sampleRate = 48000): Continuity {
  const period = 1000 / fps;
  const video = files.flatMap((f) => f.video);
  const audio = files.flatMap((f) => f.audio);
  let lost = 0;
  let dup = 0;
  for (let i = 1; i < video.length; i++) {
    const d = video[i]! - video[i - 1]!;
    if (d <= period / 2) dup++;
    else lost += Math.max(0, Math.round(d / period) - 1);
  }
  let aLost = 0;
  let aDup = 0;
  let samples = 0;
  for (let i = 0; i < audio.length; i++) {
    samples += Math.round((audio[i]!.dur * sampleRate) / 1000);
    if (i === 0) continue;
    const expected = audio[i - 1]!.pts + audio[i - 1]!.dur;
    const d = audio[i]!.pts - expected;
    if (d > 1) aLost += Math.round((d * sampleRate) / 1000);
    if (d < -1) aDup += Math.round((-d * sampleRate) / 1000);
  }
  return {
    files: files.length,
    videoFrames: video.length,
    videoLost: lost,
    videoDuplicated: dup,
    audioSamples: samples,
    audioLostSamples: aLost,
    audioDuplicatedSamples: aDup,
    firstVideoMs: video[0] ?? NaN,
    lastVideoMs: video[video.length - 1] ?? NaN,
  };
}
