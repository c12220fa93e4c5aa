/**
 * Why a channel has no media for a stretch of time, from what this run of the service
 * knows: when it started, how the last run ended and where that run's media stopped,
 * when each channel's media began in this run, and when each channel lost its media
 * (video.lost alarms). The case sessions use it for stretches no `recording.gap` event
 * explained: a case opened soon after a start claims pre-record from before the first
 * media, and a restart's gap event comes before the case existed.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Gap } from '../store/records.js';

export interface RecordingHistoryDeps {
  bus: Bus;
  /** Read at start(): when this run of the service started. */
  clock: Clock;
  /** How the previous run ended, and where each channel's media stopped then (none on a first start). */
  previous?: { cause: string; lastEndByChannel: Record<string, number> };
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Outages kept per channel (oldest forgotten): a case needs only recent ones. */
const MAX_OUTAGES = 100;

export class RecordingHistory {
  private readonly firstMedia = new Map<string, number>();
  private readonly outages = new Map<string, Array<{ from: number; to?: number; cause: string }>>();
  private readonly off: Array<() => void> = [];
  private startedAt = 0;

  constructor(private readonly deps: RecordingHistoryDeps) {}

  start(): void {
    const { bus } = this.deps;
    this.startedAt = this.deps.clock.now();
    this.off.push(
      bus.on('segment.opened', (s) => {
        if (!this.firstMedia.has(s.channel)) this.firstMedia.set(s.channel, s.start);
      }),
      bus.on('alarm.raised', (a) => {
        if (a.kind !== 'video.lost') return;
        const list = this.outages.get(a.subject) ?? [];
        if (list.at(-1)?.to === undefined && list.length) return;
        list.push({ from: a.at, cause: a.message });
        if (list.length > MAX_OUTAGES) list.shift();
        this.outages.set(a.subject, list);
      }),
      bus.on('alarm.cleared', (a) => {
        const last = a.kind === 'video.lost' ? this.outages.get(a.subject)?.at(-1) : undefined;
        if (last && last.to === undefined) last.to = a.at;
      }),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** Gaps covering [from, to) of `channel`, split where the cause changes. */
  readonly explain = (channel: string, from: number, to: number): Gap[] => {
    const gaps: Gap[] = [];
    const add = (a: number, b: number, cause: string) => {
      if (b > a) gaps.push({ channel, from: a, to: b, cause });
    };
    const first = this.firstMedia.get(channel);
    const beforeRun = Math.min(to, first ?? to);
    if (from < beforeRun) {
      const { previous } = this.deps;
      const { startedAt } = this;
      const lastEnd = previous?.lastEndByChannel[channel];
      const began = first !== undefined ? `, media began at ${iso(first)}` : ', no media since';
      if (previous && lastEnd !== undefined) {
        add(from, Math.min(beforeRun, lastEnd), `no media kept from before the service started at ${iso(startedAt)}`);
        add(Math.max(from, lastEnd), beforeRun, `${previous.cause}: media stopped at ${iso(lastEnd)}, service started at ${iso(startedAt)}${began}`);
      } else {
        add(from, beforeRun, `not recording: service started at ${iso(startedAt)}${began}`);
      }
    }
    const rest = Math.max(from, beforeRun);
    if (rest < to) {
      const outage = (this.outages.get(channel) ?? []).find((o) => o.from < to && (o.to === undefined || o.to > rest));
      add(rest, to, outage ? `media lost: ${outage.cause}` : 'no media recorded by the channel');
    }
    return gaps;
  };
}
