/**
 * Remote live view: which channels stream where, until when, and what happens when a
 * receiver fails. The media workers do the streaming (media/live-feed.ts); this decides.
 *
 * Rules:
 * - `start` on a channel already live answers with the running stream (idempotent); a
 *   stream ends by itself at `until` (default live.defaultDurationSeconds, at most
 *   live.maxDurationSeconds), on `stop`, or when the service stops.
 * - A receiver that cannot be reached, refuses, or goes away (or a media worker that
 *   restarts under the stream) is retried with backoff for live.retrySeconds from the
 *   first failure; then `live.failed` and the stream is dropped. Recording is never touched.
 * - An alarm whose kind is in live.autoStartOn (violent resistance, emergency) starts live
 *   on live.channels at once, without waiting for a person (as JT/T 1078 terminals do).
 * - `live.started` is emitted when the receiver accepted the stream, once per stream.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { CasecamError } from '../core/errors.js';
import type { LiveStreamEvent, LiveWorkerEvent } from '../core/events.js';
import { parseLiveUrl, type LiveTarget } from '../core/live-url.js';
import type { LiveConfig } from '../config/live-schema.js';
import type { LiveStream } from '../recording/device-state.js';

/** What the controller needs of a channel: its media supervisor's live calls. */
export interface LiveChannel {
  readonly channel: string;
  startLive(req: { protocol: 'srt' | 'rtmp'; url: string; passphrase?: string; streamId?: string; latencyMs: number; keyframe: boolean }): boolean;
  stopLive(): void;
}

export interface LiveStartRequest {
  channel?: string;
  url?: string;
  durationSeconds?: number;
  /** Why: `command`, or the alarm kind that started it. */
  reason: string;
}

interface Session {
  channel: LiveChannel;
  target: LiveTarget;
  since: number;
  until: number;
  /** Bytes sent by this stream's senders that have ended, and by the one running now. */
  bytesDone: number;
  bytesNow: number;
  connected: boolean;
  /** First failure of the current run of failures; retries end retrySeconds after it. */
  failingSince?: number;
  attempts: number;
  retryTimer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 5000;

export class LiveController {
  readonly name = 'live-view';
  readonly phase = 'capture' as const;
  private readonly sessions = new Map<string, Session>();
  private readonly off: Array<() => void> = [];
  private ticker: NodeJS.Timeout | undefined;
  /** Bytes of every stream that has ended, for health. */
  private bytesEnded = 0;

  constructor(
    private readonly deps: {
      config: LiveConfig;
      deviceId: string;
      channels: LiveChannel[];
      /** Ask for a keyframe at live start when the recording GOP is longer than 1 s. */
      gopSeconds: number;
      bus: Bus;
      clock: Clock;
      log: Logger;
    },
  ) {}

  start(): void {
    const { bus } = this.deps;
    this.off.push(
      bus.on('live.worker', (e) => this.onWorker(e)),
      bus.on('channel.state', (e) => this.onChannelState(e.channel, e.ok)),
      bus.on('alarm.raised', (a) => this.onAlarm(a.kind)),
    );
    this.ticker = setInterval(() => this.expire(), 1000);
    this.ticker.unref();
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
    clearInterval(this.ticker);
    for (const channel of [...this.sessions.keys()]) this.end(channel, 'service stopping', 'live.stopped');
  }

  /** Starts (or finds running) live streams; returns them as state shows them. */
  startLive(req: LiveStartRequest): LiveStream[] {
    const { config } = this.deps;
    const channels = this.pick(req.channel, config.channels);
    const url = req.url ?? config.url;
    if (!url) throw new CasecamError('bad-request', 'no live URL: give "url", or set live.url in the config');
    const target = parseLiveUrl(url);
    const seconds = Math.min(req.durationSeconds ?? config.defaultDurationSeconds, config.maxDurationSeconds);
    if (!(seconds > 0)) throw new CasecamError('bad-request', `durationSeconds must be above 0, got ${req.durationSeconds}`);
    const now = this.deps.clock.now();
    for (const ch of channels) {
      if (this.sessions.has(ch.channel)) continue;
      const session: Session = { channel: ch, target, since: now, until: now + seconds * 1000, bytesDone: 0, bytesNow: 0, connected: false, attempts: 0 };
      this.sessions.set(ch.channel, session);
      this.deps.log.info({ channel: ch.channel, url: target.shown, until: session.until, reason: req.reason }, 'live view starting');
      this.send(session);
    }
    return channels.map((ch) => this.view(this.sessions.get(ch.channel)!));
  }

  stopLive(req: { channel?: string }): LiveStream[] {
    const channels = this.pick(req.channel, undefined).filter((c) => this.sessions.has(c.channel));
    const stopped = channels.map((c) => this.view(this.sessions.get(c.channel)!));
    for (const c of channels) this.end(c.channel, 'requested', 'live.stopped');
    return stopped;
  }

  /** For the retained state. */
  streams(): LiveStream[] {
    return [...this.sessions.values()].map((s) => this.view(s));
  }

  /** For health: bytes sent by every live stream since the service started. */
  bytesSent(): number {
    let total = this.bytesEnded;
    for (const s of this.sessions.values()) total += s.bytesDone + s.bytesNow;
    return total;
  }

  private pick(channel: string | undefined, configured: string[] | undefined): LiveChannel[] {
    const all = this.deps.channels;
    if (channel !== undefined) {
      const found = all.find((c) => c.channel === channel);
      if (!found) throw new CasecamError('bad-request', `unknown channel "${channel.slice(0, 40)}" (channels: ${all.map((c) => c.channel).join(', ')})`);
      return [found];
    }
    return configured ? all.filter((c) => configured.includes(c.channel)) : all;
  }

  private view(s: Session): LiveStream {
    return { channel: s.channel.channel, url: s.target.shown, since: s.since, until: s.until };
  }

  private send(s: Session): void {
    const { config, deviceId, gopSeconds } = this.deps;
    s.attempts++;
    const sent = s.channel.startLive({
      protocol: s.target.protocol,
      url: s.target.url,
      passphrase: config.passphrase,
      streamId: config.streamId.replaceAll('${deviceId}', deviceId).replaceAll('${channel}', s.channel.channel),
      latencyMs: config.latencyMs,
      keyframe: gopSeconds > 1,
    });
    // No worker runs right now (restarting): the channel's next `ok` sends it again.
    if (!sent) this.failed(s, 'media worker not running');
  }

  private onWorker(e: LiveWorkerEvent): void {
    const s = this.sessions.get(e.channel);
    if (!s) return;
    if (e.kind === 'playing') {
      s.failingSince = undefined;
      if (!s.connected) {
        s.connected = true;
        this.emit('live.started', s);
      }
    } else if (e.kind === 'bytes') {
      s.bytesNow = e.bytes ?? s.bytesNow;
    } else {
      s.bytesNow = e.bytes ?? s.bytesNow;
      // Ended without being asked: the receiver went away or refused.
      this.failed(s, e.error ?? 'receiver closed the stream');
    }
  }

  private onChannelState(channel: string, ok: boolean): void {
    const s = this.sessions.get(channel);
    if (!s) return;
    if (!ok) this.failed(s, 'media worker stopped');
    else if (s.failingSince !== undefined && !s.retryTimer) this.send(s);
  }

  private onAlarm(kind: string): void {
    const { config } = this.deps;
    if (!config.autoStartOn.includes(kind)) return;
    if (!config.url) {
      this.deps.log.warn({ kind }, 'incident: live view not started, no live.url configured');
      return;
    }
    try {
      this.startLive({ reason: kind });
    } catch (err) {
      this.deps.log.error({ err, kind }, 'incident: live view could not start');
    }
  }

  private failed(s: Session, reason: string): void {
    const now = this.deps.clock.now();
    // That sender is gone; the next one counts from 0.
    s.bytesDone += s.bytesNow;
    s.bytesNow = 0;
    s.failingSince ??= now;
    if (now - s.failingSince >= this.deps.config.retrySeconds * 1000) {
      this.end(s.channel.channel, reason, 'live.failed');
      return;
    }
    if (s.retryTimer) return;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(s.attempts, 4));
    this.deps.log.warn({ channel: s.channel.channel, reason, retryInMs: delay }, 'live view interrupted; retrying');
    s.retryTimer = setTimeout(() => {
      s.retryTimer = undefined;
      if (this.sessions.get(s.channel.channel) === s) this.send(s);
    }, delay);
    s.retryTimer.unref();
  }

  private expire(): void {
    const now = this.deps.clock.now();
    for (const [channel, s] of this.sessions) {
      if (now >= s.until) this.end(channel, 'duration reached', 'live.stopped');
      else if (s.failingSince !== undefined && now - s.failingSince >= this.deps.config.retrySeconds * 1000) this.end(channel, 'receiver unreachable', 'live.failed');
    }
  }

  private end(channel: string, reason: string, type: 'live.stopped' | 'live.failed'): void {
    const s = this.sessions.get(channel);
    if (!s) return;
    this.sessions.delete(channel);
    clearTimeout(s.retryTimer);
    s.channel.stopLive();
    const bytes = s.bytesDone + s.bytesNow;
    this.bytesEnded += bytes;
    this.deps.log.info({ channel, reason, bytes }, type === 'live.failed' ? 'live view failed' : 'live view stopped');
    this.emit(type, s, reason);
  }

  private emit(type: 'live.started' | 'live.stopped' | 'live.failed', s: Session, reason?: string): void {
    const e: LiveStreamEvent = { channel: s.channel.channel, url: s.target.shown, at: this.deps.clock.now(), since: s.since, until: s.until };
    if (reason !== undefined) Object.assign(e, { reason, bytes: s.bytesDone + s.bytesNow });
    this.deps.bus.emit(type, e);
  }
}
