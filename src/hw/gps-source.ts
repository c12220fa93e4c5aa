/**
 * The GPS subsystem: a serial NMEA receiver (serial-line.ts + nmea-gps-state.ts)
 * feeding the rest of the service once a second:
 * - `gps.fix` on the bus and a row in the 1 Hz track (gps-track.ts) while there is a fix;
 * - the OSD position (`position()`), and `health()` for the health report;
 * - alarm `gps.lost` (subject `gps`) after `lostAfterSeconds` without a fix, cleared
 *   when a fix returns;
 * - alarm `clock.wrong` (subject `system-clock`) while the system clock differs from
 *   the receiver's UTC by more than `clockMaxOffsetSeconds`.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Position } from '../osd/osd-text.js';
import { SerialLine, type SerialLineStats } from './serial-line.js';
import { NmeaGpsState, type GpsSnapshot, type NmeaCounters } from './nmea-gps-state.js';
import type { GpsTrack } from './gps-track.js';

/** The `gps` object of the health report. */
export interface GpsHealth {
  fix: boolean;
  lat: number | null;
  lon: number | null;
  speedKmh: number | null;
  satellites: number | null;
  utc: string | null;
}

export interface GpsSourceOptions {
  path: string;
  baudRate: number;
  bus: Bus;
  log: Logger;
  clock: Clock;
  track?: GpsTrack;
  lostAfterSeconds: number;
  clockMaxOffsetSeconds: number;
  periodMs?: number;
  /** Longest wait between attempts to open a missing or failed serial device (default: SerialLine's). */
  retryMaxMs?: number;
}

export class GpsSource {
  readonly name = 'gps';
  readonly line: SerialLine;
  private readonly state = new NmeaGpsState();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private lostRaised = false;
  private clockRaised = false;
  private lastClockOffsetMs: number | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly opts: GpsSourceOptions) {
    this.line = new SerialLine({
      name: 'gps',
      path: opts.path,
      baudRate: opts.baudRate,
      log: opts.log,
      maxLineBytes: 160, // NMEA 0183 caps a sentence at 82 characters; proprietary ones (u-blox PUBX) run longer
      onLine: (l) => this.onLine(l),
      ...(opts.retryMaxMs !== undefined ? { retryMaxMs: opts.retryMaxMs } : {}),
    });
  }

  start(): void {
    this.startedAt = this.opts.clock.now();
    this.line.start();
    this.timer = setInterval(() => {
      // A slow store write must not pile ticks up; stop() waits for the one in flight.
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.opts.periodMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.line.stop();
  }

  snapshot(): GpsSnapshot {
    return this.state.snapshot(this.opts.clock.now(), this.freshMs());
  }

  /** For the OSD: the position while there is a fix. */
  position(): Position | undefined {
    const s = this.snapshot();
    return s.fix && s.lat !== undefined && s.lon !== undefined ? { lat: s.lat, lon: s.lon, speedKmh: s.speedKmh } : undefined;
  }

  /** For the health report: `{fix, lat, lon, speedKmh, satellites, utc}`. */
  health(): GpsHealth {
    const s = this.snapshot();
    const round = (n: number | undefined, d: number) => (n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d);
    return {
      fix: s.fix,
      lat: s.fix ? round(s.lat, 6) : null,
      lon: s.fix ? round(s.lon, 6) : null,
      speedKmh: s.fix ? round(s.speedKmh, 1) : null,
      satellites: s.satellites ?? null,
      utc: s.utc ?? null,
    };
  }

  /** System clock minus GPS UTC, from the last valid RMC (ms); undefined before one arrived. */
  clockOffsetMs(): number | undefined {
    return this.lastClockOffsetMs;
  }

  counters(): { serial: SerialLineStats; nmea: NmeaCounters } {
    return { serial: this.line.stats, nmea: this.state.counters };
  }

  private freshMs(): number {
    return Math.max(2000, (this.opts.periodMs ?? 1000) * 3);
  }

  private onLine(line: string): void {
    const now = this.opts.clock.now();
    const r = this.state.feed(line, now);
    if (r.error) {
      this.opts.log.debug({ line: line.slice(0, 100), error: r.error }, 'NMEA sentence ignored');
      return;
    }
    if (r.utcMs !== undefined) this.checkClock(now - r.utcMs, now);
  }

  private checkClock(offsetMs: number, now: number): void {
    this.lastClockOffsetMs = offsetMs;
    const wrong = Math.abs(offsetMs) > this.opts.clockMaxOffsetSeconds * 1000;
    if (wrong === this.clockRaised) return;
    this.clockRaised = wrong;
    const seconds = (offsetMs / 1000).toFixed(1);
    const alarm = {
      kind: 'clock.wrong',
      subject: 'system-clock',
      message: wrong ? `system clock is ${seconds} s off GPS time` : `system clock agrees with GPS time (${seconds} s)`,
      at: now,
    };
    this.opts.log[wrong ? 'warn' : 'info']({ offsetMs }, alarm.message);
    this.opts.bus.emit(wrong ? 'alarm.raised' : 'alarm.cleared', alarm);
  }

  private async tick(): Promise<void> {
    try {
      const now = this.opts.clock.now();
      const s = this.snapshot();
      if (s.fix && s.lat !== undefined && s.lon !== undefined) {
        const fix = { at: now, lat: s.lat, lon: s.lon, speedKmh: s.speedKmh, course: s.course, fixQuality: s.fixQuality, satellites: s.satellites, hdop: s.hdop };
        if (this.lostRaised) this.setLost(false, now);
        this.opts.bus.emit('gps.fix', fix);
        await this.opts.track?.write(fix);
      } else if (!this.lostRaised && now - (s.lastFixAt ?? this.startedAt) >= this.opts.lostAfterSeconds * 1000) {
        this.setLost(true, now);
      }
      await this.opts.track?.prune(now);
    } catch (err) {
      this.opts.log.error({ err }, 'GPS track write failed');
    }
  }

  private setLost(lost: boolean, now: number): void {
    this.lostRaised = lost;
    const { serial } = this.counters();
    const why = serial.connected ? 'no valid fix from the receiver' : `receiver not connected (${this.opts.path})`;
    const alarm = { kind: 'gps.lost', subject: 'gps', message: lost ? `GPS lost: ${why}` : 'GPS fix regained', at: now };
    this.opts.log[lost ? 'warn' : 'info'](alarm.message);
    this.opts.bus.emit(lost ? 'alarm.raised' : 'alarm.cleared', alarm);
  }
}
