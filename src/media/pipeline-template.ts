/**
 * Pipelines are data: gst-launch style templates in pipelines/<name>.pipeline.
 *
 * A template declares its parameters with `# param key=default` lines and uses them as
 * `${key}`. The service supplies its own, which a config cannot override:
 * `${segmenter}` (the crash-tolerant splitmuxsink named `mux`), `${osd}` (the
 * watermark overlay named `osd`), `${video}` (where the parsed H.264 goes: into the
 * segmenter, and through a closed valve to the live branch, see LIVE_BRANCH),
 * `${gopFrames}`, and the media-health taps `${videoProbe}` (a branch from a tee on the
 * raw video after the overlay), `${audioLevel}` (inline on the raw audio) and `${liveAudio}`
 * (inline on the raw audio after it: the live stream's AAC, live-audio.ts). Values are checked so that a config value can never splice extra
 * elements into the pipeline.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CasecamError, errorMessage } from '../core/errors.js';
import { LEVEL_INTERVAL_MS, PROBE_FPS, PROBE_HEIGHT, PROBE_WIDTH } from './health-probe.js';
import { LIVE_AUDIO } from './live-audio.js';

export { LEVEL_INTERVAL_MS, PROBE_FPS, PROBE_HEIGHT, PROBE_WIDTH };

export const PIPELINES_DIR = fileURLToPath(new URL('../../../pipelines/', import.meta.url));

/** No pipeline syntax (!, quotes, escapes) and no white space inside a value. */
const SAFE_VALUE = /^[^\s!"'\\`]{1,512}$/;
/** The ring location is quoted in the pipeline: white space is fine, nothing that ends or escapes the quotes. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const SAFE_LOCATION = /^[^"\\\u0000-\u001f\u007f]{1,4096}$/;
const SYSTEM_PARAMS = new Set(['segmenter', 'osd', 'video', 'gopFrames', 'location', 'segmentNs', 'videoProbe', 'audioLevel', 'liveAudio']);

export interface TemplateInput {
  template: string;
  params: Record<string, string | number>;
  fps: number;
  gopSeconds: number;
  segmentSeconds: number;
  /** splitmuxsink location pattern, e.g. /ring/cam1_1700000000000_%05d.mkv */
  location: string;
}

export interface ParsedTemplate {
  name: string;
  defaults: Record<string, string>;
  body: string;
}

export function parseTemplate(name: string, text: string): ParsedTemplate {
  const defaults: Record<string, string> = {};
  const body: string[] = [];
  for (const line of text.split('\n')) {
    const param = /^#\s*param\s+([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line.trim());
    if (param) defaults[param[1]!] = param[2]!.trim();
    else if (!line.trim().startsWith('#') && line.trim()) body.push(line.trim());
  }
  return { name, defaults, body: body.join(' ') };
}

export function segmenterElement(location: string, segmentSeconds: number): string {
  // streamable Matroska needs no seek back to finish a file, so a segment cut short by
  // a crash still plays up to its last cluster; unbuffered writes keep that loss small.
  const ns = Math.round(segmentSeconds * 1e9);
  return (
    `splitmuxsink name=mux max-size-time=${ns} muxer-factory=matroskamux ` +
    `muxer-properties=properties,streamable=true sink-properties=properties,buffer-mode=2 ` +
    `location="${location}"`
  );
}

export const OSD_ELEMENT =
  'clockoverlay name=osd time-format="%Y-%m-%d %H:%M:%S" halignment=left valignment=top ' +
  'shaded-background=true font-desc="Sans 10" line-alignment=left';

/**
 * The sampled video branch for media health. It hangs off a tee on the raw video right
 * after the overlay (`${osd} ! tee name=vtap`), so nothing is decoded twice, and nothing
 * downstream of the tee writes into the frame: a tee before the overlay made the overlay
 * copy every whole frame, because the branch held a reference to it. The worker leaves
 * the watermark's rows out of its figures (health-probe.ts). The leaky one-buffer queue
 * means the branch can never hold up the recording, and videorate drops all but
 * PROBE_FPS frames before any scaling (nearest neighbour: only the sampled pixels are
 * read). The appsink does not wait for its last thumbnail to be pulled before passing
 * EOS on (wait-on-eos=false): the worker stops pulling when it stops, and an appsink that
 * waited would hold back the pipeline's EOS (the worker would fall back to tearing it
 * down, and `gst-launch-1.0 -e` would never finish).
 */
export const VIDEO_PROBE =
  'queue leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0 ' +
  `! videorate drop-only=true max-rate=${PROBE_FPS} ! videoscale method=nearest-neighbour ! videoconvert ` +
  `! video/x-raw,format=GRAY8,width=${PROBE_WIDTH},height=${PROBE_HEIGHT} ` +
  '! appsink name=vhealth max-buffers=1 drop=true sync=false wait-on-eos=false';

/** Audio RMS and peak per half second, posted on the bus; a pass-through element. */
export const AUDIO_LEVEL = `level name=alevel interval=${LEVEL_INTERVAL_MS * 1_000_000} post-messages=true`;
/**
 * The encoded video of a channel, teed: one branch to the segmenter, the other to the live
 * branch, which the recording can never wait on. A leaky queue drops when the live side is
 * slow; the valve drops everything while nobody watches (so the MPEG-TS muxer does no work);
 * the appsink is bounded, drops old buffers and does not hold up the pipeline's start
 * (async=false). h264parse there repeats SPS/PPS at every keyframe for a viewer that joins
 * late, and makes the byte-stream MPEG-TS needs whatever the segmenter takes.
 * `alignment=42` (42 TS packets per buffer, about 8 KB): each buffer crosses into JavaScript
 * on its way to the live sender, so fewer, larger ones cost less; the sender cuts them to
 * the 7 packets (1316 bytes) SRT carries (live-pipeline.ts). 64 such buffers in the
 * appsink are ~4 s at 800 kbit/s: the most a slow pull can lag the viewer behind.
 */
export const LIVE_BRANCH =
  'tee name=videotee ! queue ! mux.video ' +
  'videotee. ! queue name=livequeue leaky=downstream max-size-buffers=200 max-size-bytes=0 max-size-time=0 ' +
  '! valve name=livevalve drop=true drop-mode=forward-sticky-events ! h264parse config-interval=-1 ! mpegtsmux name=livemux alignment=42 ' +
  '! appsink name=livesink async=false sync=false drop=true max-buffers=64';

export function renderTemplate(tpl: ParsedTemplate, input: TemplateInput): string {
  const values: Record<string, string> = { ...tpl.defaults };
  for (const [key, raw] of Object.entries(input.params)) {
    if (SYSTEM_PARAMS.has(key)) throw new CasecamError('bad-config', `pipeline ${tpl.name}: parameter "${key}" is set by casecam, not by config`);
    if (!(key in tpl.defaults)) throw new CasecamError('bad-config', `pipeline ${tpl.name}: unknown parameter "${key}" (known: ${Object.keys(tpl.defaults).join(', ')})`);
    const value = String(raw);
    if (!SAFE_VALUE.test(value)) throw new CasecamError('bad-config', `pipeline ${tpl.name}: parameter "${key}" has white space, quotes or "!"`);
    values[key] = value;
  }
  if (!SAFE_LOCATION.test(input.location)) throw new CasecamError('bad-config', `ring path "${input.location}" has quotes, backslashes or control characters`);
  values.fps = String(input.params.fps ?? tpl.defaults.fps ?? input.fps);
  values.gopFrames = String(Math.max(1, Math.round(Number(values.fps) * input.gopSeconds)));
  values.segmenter = segmenterElement(input.location, input.segmentSeconds);
  values.osd = OSD_ELEMENT;
  values.videoProbe = VIDEO_PROBE;
  values.audioLevel = AUDIO_LEVEL;
  values.video = LIVE_BRANCH;
  values.liveAudio = LIVE_AUDIO;
  return tpl.body.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new CasecamError('bad-config', `pipeline ${tpl.name}: template uses \${${key}} but declares no such parameter`);
    return v;
  });
}

export async function loadTemplate(name: string, dir = PIPELINES_DIR): Promise<ParsedTemplate> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new CasecamError('bad-config', `bad pipeline template name "${name}"`);
  const file = path.join(dir, `${name}.pipeline`);
  try {
    return parseTemplate(name, await readFile(file, 'utf8'));
  } catch (err) {
    throw new CasecamError('bad-config', `cannot read pipeline template ${file}: ${errorMessage(err)}`);
  }
}
