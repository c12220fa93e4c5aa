/**
 * What the GPS receiver has told us, folded from NMEA 0183 sentences: GGA (fix
 * quality, position, satellites, HDOP), RMC (validity, position, speed, UTC date and
 * time), VTG (speed, course) and GSA (2D/3D). Any talker (GP, GN, BD, GB, GL, GA…) is
 * accepted: multi-constellation receivers send GN for the combined solution.
 *
 * Parsing and checksums are nmea-simple's (typed, small, no dependencies); a sentence
 * with a bad checksum or a shape it does not know is counted and ignored.
 * Pure: no timers, no I/O; `now` is passed in.
 */
import { parseNmeaSentence, type Packet } from 'nmea-simple';
import { errorMessage } from '../core/errors.js';

const FIX_QUALITY: Record<string, number> = { none: 0, fix: 1, delta: 2, pps: 3, rtk: 4, frtk: 5, estimated: 6, manual: 7, simulation: 8 };
const KNOT_KMH = 1.852;

export interface GpsSnapshot {
  /** A valid position arrived within the freshness window. */
  fix: boolean;
  fixQuality: number;
  fixMode: 'none' | '2D' | '3D' | 'unknown';
  lat?: number;
  lon?: number;
  speedKmh?: number;
  course?: number;
  satellites?: number;
  hdop?: number;
  /** UTC of the receiver's last valid RMC, ISO 8601. */
  utc?: string;
  /** Local clock (ms) when the last valid position arrived. */
  lastFixAt?: number;
}

export interface NmeaCounters {
  sentences: number;
  badChecksum: number;
  unparsed: number;
  ignored: number;
}

export class NmeaGpsState {
  readonly counters: NmeaCounters = { sentences: 0, badChecksum: 0, unparsed: 0, ignored: 0 };
  private fixQuality = 0;
  private fixMode: GpsSnapshot['fixMode'] = 'unknown';
  private lat: number | undefined;
  private lon: number | undefined;
  private speedKmh: number | undefined;
  private course: number | undefined;
  private satellites: number | undefined;
  private hdop: number | undefined;
  private utcMs: number | undefined;
  private utcSeenAt: number | undefined;
  private lastFixAt: number | undefined;

  /** Feed one line; returns the RMC UTC time (ms) when the line carried a valid one, for the clock check. */
  feed(line: string, now: number): { utcMs?: number; error?: string } {
    const text = line.trim();
    if (!text.startsWith('$')) {
      this.counters.unparsed++;
      return { error: 'not an NMEA sentence' };
    }
    let p: Packet;
    try {
      p = parseNmeaSentence(text);
    } catch (err) {
      const msg = errorMessage(err);
      if (!checksumOk(text)) this.counters.badChecksum++;
      else this.counters.unparsed++;
      return { error: msg };
    }
    this.counters.sentences++;
    switch (p.sentenceId) {
      case 'GGA': {
        this.fixQuality = FIX_QUALITY[p.fixType] ?? 0;
        this.satellites = p.satellitesInView;
        // The receiver saying "no fix" ends the fix at once, not after the freshness window.
        if (this.fixQuality === 0) this.lastFixAt = undefined;
        else {
          this.hdop = p.horizontalDilution;
          this.position(p.latitude, p.longitude, now);
        }
        return {};
      }
      case 'RMC': {
        if (p.status !== 'valid') {
          this.lastFixAt = undefined;
          return {};
        }
        this.position(p.latitude, p.longitude, now);
        this.speedKmh = p.speedKnots * KNOT_KMH;
        this.course = p.trackTrue;
        const t = p.datetime instanceof Date ? p.datetime.getTime() : NaN;
        if (Number.isFinite(t)) {
          this.utcMs = t;
          this.utcSeenAt = now;
          return { utcMs: t };
        }
        return {};
      }
      case 'VTG': {
        if (p.faaMode === 'N') return {};
        this.speedKmh = p.speedKmph ?? p.speedKnots * KNOT_KMH;
        this.course = p.trackTrue;
        return {};
      }
      case 'GSA': {
        // Informational only: with several talkers one GSA may say "no fix" for its own
        // constellation while the combined solution is good, so GSA never ends a fix.
        this.fixMode = p.fixMode;
        if (p.fixMode !== 'none' && p.fixMode !== 'unknown') this.hdop = p.HDOP;
        return {};
      }
      default:
        this.counters.ignored++;
        return {};
    }
  }

  snapshot(now: number, freshMs: number): GpsSnapshot {
    const fix = this.lastFixAt !== undefined && now - this.lastFixAt <= freshMs;
    return {
      fix,
      fixQuality: fix ? Math.max(this.fixQuality, 1) : 0,
      fixMode: this.fixMode,
      lat: this.lat,
      lon: this.lon,
      speedKmh: this.speedKmh,
      course: this.course,
      satellites: this.satellites,
      hdop: this.hdop,
      // The receiver's UTC advanced by the local time since it was seen: right to the second between sentences.
      utc: this.utcMs !== undefined && this.utcSeenAt !== undefined ? new Date(this.utcMs + (now - this.utcSeenAt)).toISOString() : undefined,
      lastFixAt: this.lastFixAt,
    };
  }

  private position(lat: number, lon: number, now: number): void {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
    this.lat = lat;
    this.lon = lon;
    this.lastFixAt = now;
  }
}

/** NMEA checksum: XOR of every byte between "$" and "*". */
export function nmeaChecksum(body: string): string {
  let c = 0;
  for (let i = 0; i < body.length; i++) c ^= body.charCodeAt(i);
  return c.toString(16).toUpperCase().padStart(2, '0');
}

/** `$<body>*<checksum>` for a sentence body (simulator and tests write NMEA with it). */
export function nmeaSentence(body: string): string {
  return `$${body}*${nmeaChecksum(body)}`;
}

function checksumOk(sentence: string): boolean {
  const star = sentence.lastIndexOf('*');
  return star > 0 && nmeaChecksum(sentence.slice(1, star)) === sentence.slice(star + 1).toUpperCase();
}
