/**
 * A short clip for the `replay` template, made on the spot with gst-launch-1.0 (nothing
 * downloaded): a moving ball, raw H.264 Annex B without B-frames, as the template asks.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function makeReplayClip(file: string, opts: { seconds?: number; width?: number; height?: number; fps?: number } = {}): Promise<string> {
  const fps = opts.fps ?? 25;
  const frames = Math.round((opts.seconds ?? 2) * fps);
  await run('gst-launch-1.0', [
    '-q',
    'videotestsrc', `num-buffers=${frames}`, 'pattern=ball',
    '!', `video/x-raw,width=${opts.width ?? 160},height=${opts.height ?? 120},framerate=${fps}/1`,
    '!', 'x264enc', `key-int-max=${fps}`, 'speed-preset=ultrafast', 'bframes=0',
    '!', 'video/x-h264,stream-format=byte-stream',
    '!', 'filesink', `location=${file}`,
  ]);
  return file;
}
