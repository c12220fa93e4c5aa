/**
 * Media alarms per channel from the workers' health samples ('media.health' on the
 * bus): `camera.blocked`, `camera.frozen`, `camera.dark`, `audio.silent`,
 * `audio.clipping`. Each is raised after its hold time and cleared with hysteresis
 * (hold-detector.ts); raising and clearing go out as `alarm.raised`/`alarm.cleared`,
 * which the journal, the uplink (events, health) and the case timelines already take.
 *
 * Invariant: a channel whose worker stopped (channel.state ok=false) restarts its
 * hold clocks, so samples from before an outage never count towards an alarm after it;
 * alarms already raised stay raised until good samples clear them.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { MediaHealthSample } from '../core/events.js';
import { HoldDetector } from './hold-detector.js';
import type { MediaHealthConfig } from '../config/quality-schema.js';
import { LEVEL_INTERVAL_MS, PROBE_FPS } from '../media/pipeline-template.js';

type Video = NonNullable<MediaHealthSample['video']>;
type Audio = NonNullable<MediaHealthSample['audio']>;

export const MEDIA_ALARM_KINDS = ['camera.blocked', 'camera.frozen', 'camera.dark', 'audio.silent', 'audio.clipping'] as const;
export type MediaAlarmKind = (typeof MEDIA_ALARM_KINDS)[number];

interface Detector {
  kind: MediaAlarmKind;
  on: 'video' | 'audio';
  hold: HoldDetector<Video> | HoldDetector<Audio>;
  message: string;
}

/** The five detectors of one channel, with the hysteresis margins written down in docs/quality.md. */
export function channelDetectors(c: MediaHealthConfig): Detector[] {
  const clearMs = c.clearSeconds * 1000;
  const video = (kind: MediaAlarmKind, holdSeconds: number, bad: (v: Video) => boolean, good: (v: Video) => boolean, message: string, onsetMs = 0): Detector => ({
    kind,
    on: 'video',
    hold: new HoldDetector<Video>({ bad, good, holdMs: holdSeconds * 1000, clearMs, onsetMs }),
    message,
  });
  const audio = (kind: MediaAlarmKind, holdSeconds: number, bad: (a: Audio) => boolean, good: (a: Audio) => boolean, message: string, onsetMs = 0): Detector => ({
    kind,
    on: 'audio',
    hold: new HoldDetector<Audio>({ bad, good, holdMs: holdSeconds * 1000, clearMs, onsetMs }),
    message,
  });
  return [
    video('camera.blocked', c.blockedHoldSeconds, (v) => v.stdDev < c.blockedMaxStdDev, (v) => v.stdDev >= c.blockedMaxStdDev * 1.5 + 1, 'image nearly uniform: lens covered or blocked?'),
    video('camera.dark', c.darkHoldSeconds, (v) => v.mean < c.darkMaxMean, (v) => v.mean >= c.darkMaxMean + 8, 'image too dark'),
    // The first thumbnail of a run has no change figure: it is neither bad nor good.
    video('camera.frozen', c.frozenHoldSeconds, (v) => v.change !== undefined && v.change < c.frozenMaxChange, (v) => v.change !== undefined && v.change >= c.frozenMaxChange * 2 + 0.1, 'image not changing: camera frozen?', 1000 / PROBE_FPS),
    // A level sample measures the half second before it arrives, and is silent only if all of it was:
    // the silence began no later than that half second did. (One clipped peak makes a clipping
    // sample, so that one is dated by its arrival.)
    audio('audio.silent', c.silentHoldSeconds, (a) => a.rmsDb < c.silentMaxRmsDb, (a) => a.rmsDb >= c.silentMaxRmsDb + 6, 'no sound: microphone dead or muted?', LEVEL_INTERVAL_MS),
    audio('audio.clipping', c.clippingHoldSeconds, (a) => a.peakDb >= c.clippingMinPeakDb, (a) => a.peakDb < c.clippingMinPeakDb - 1, 'sound clipping at full scale'),
  ];
}

export interface MediaHealthDeps {
  bus: Bus;
  clock: Clock;
  log: Logger;
  config: MediaHealthConfig;
}

export class MediaHealth {
  readonly name = 'media-health';
  private readonly channels = new Map<string, Detector[]>();
  private readonly off: Array<() => void> = [];

  constructor(private readonly deps: MediaHealthDeps) {}

  start(): void {
    if (!this.deps.config.enabled) return;
    const { bus } = this.deps;
    this.off.push(
      bus.on('media.health', (s) => this.onSample(s)),
      bus.on('channel.state', (s) => {
        if (!s.ok) for (const d of this.channels.get(s.channel) ?? []) d.hold.reset();
      }),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** Media alarms raised now, per channel (for the self-check). */
  active(): Array<{ kind: MediaAlarmKind; channel: string; since: number }> {
    const out: Array<{ kind: MediaAlarmKind; channel: string; since: number }> = [];
    for (const [channel, detectors] of this.channels) {
      for (const d of detectors) if (d.hold.raised) out.push({ kind: d.kind, channel, since: d.hold.faultSince ?? 0 });
    }
    return out;
  }

  private onSample(s: MediaHealthSample): void {
    let detectors = this.channels.get(s.channel);
    if (!detectors) {
      detectors = channelDetectors(this.deps.config);
      this.channels.set(s.channel, detectors);
    }
    for (const d of detectors) {
      const value = d.on === 'video' ? s.video : s.audio;
      if (!value) continue;
      const change = (d.hold as HoldDetector<typeof value>).update(s.at, value);
      if (change === 'raise') {
        const since = d.hold.faultSince ?? s.at;
        this.deps.log.warn({ channel: s.channel, kind: d.kind, since }, 'media alarm raised');
        this.deps.bus.emit('alarm.raised', { kind: d.kind, subject: s.channel, message: `${d.message} (since ${new Date(since).toISOString()})`, at: s.at });
      } else if (change === 'clear') {
        this.deps.log.info({ channel: s.channel, kind: d.kind }, 'media alarm cleared');
        this.deps.bus.emit('alarm.cleared', { kind: d.kind, subject: s.channel, message: 'back to normal', at: s.at });
      }
    }
  }
}
