/** The self-check's verdict on one channel: recording, frames and sound arriving, no media alarm. */
import type { AlarmEvent } from '../core/events.js';
import type { SelfCheckItem } from '../core/selfcheck-schema.js';

export interface ChannelProbes {
  id: string;
  /** The template measures video (`${videoProbe}`) and audio (`${audioLevel}`). */
  video: boolean;
  audio: boolean;
}

const ACTIONS: Record<string, string> = {
  'video.lost': 'check the camera is connected and powered, and its device or URL in channels[].params; the log names the pipeline error',
  'camera.blocked': 'uncover or clean the lens, or turn the camera away from the obstruction',
  'camera.dark': 'check the lens cap, the lighting, or the camera’s exposure',
  'camera.frozen': 'the camera sends a still image: power-cycle it or replug its cable',
  'audio.silent': 'check the microphone is connected, switched on and not muted',
  'audio.clipping': 'lower the microphone gain or move it away from the loud source',
  'encoder.behind': 'the box cannot keep up: lower the resolution or frame rate, or check its temperature and load',
};

export function channelItem(o: {
  id: string;
  ok: boolean;
  probes: ChannelProbes | undefined;
  videoSamples: number;
  audioSamples: number;
  expectedVideo: number;
  expectedAudio: number;
  alarms: AlarmEvent[];
}): SelfCheckItem {
  const name = `channel.${o.id}`;
  const figures = { videoSamples: o.videoSamples, audioSamples: o.audioSamples };
  if (!o.ok) {
    const lost = o.alarms.find((a) => a.kind === 'video.lost');
    return { name, status: 'fail', detail: `not recording${lost ? `: ${lost.message}` : ''}`, action: ACTIONS['video.lost']!, figures };
  }
  // Half the nominal sample rate is the floor: below it frames or sound are not arriving at their rate.
  if (o.probes?.video && o.videoSamples < o.expectedVideo / 2) {
    return { name, status: 'fail', detail: `video frames not arriving at the nominal rate (${o.videoSamples} of ${o.expectedVideo} samples)`, action: ACTIONS['video.lost']!, figures };
  }
  if (o.probes?.audio && o.audioSamples < o.expectedAudio / 2) {
    return { name, status: 'fail', detail: `sound not arriving (${o.audioSamples} of ${o.expectedAudio} level readings)`, action: ACTIONS['audio.silent']!, figures };
  }
  const media = o.alarms.filter((a) => a.kind !== 'video.lost');
  if (media.length) {
    return { name, status: 'fail', detail: media.map((a) => `${a.kind}: ${a.message}`).join('; '), action: media.map((a) => ACTIONS[a.kind] ?? 'see the alarm').join('; '), figures };
  }
  const what = o.probes?.video || o.probes?.audio ? 'frames and sound arriving, no media alarm' : 'recording (this template has no media-health taps)';
  return { name, status: 'ok', detail: what, figures };
}
