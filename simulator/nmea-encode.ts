/**
 * Writes NMEA 0183 sentences for a simulated receiver (one epoch = GGA, GSA, RMC,
 * VTG), with real checksums, so the simulator and the tests feed the service the
 * same bytes a receiver would.
 */
import { nmeaSentence } from '../src/hw/nmea-gps-state.js';

export interface SimFix {
  /** UTC, ms since the epoch. */
  at: number;
  lat: number;
  lon: number;
  speedKmh: number;
  course: number;
  satellites?: number;
  hdop?: number;
  /** false: the receiver has no fix (empty position fields). */
  valid?: boolean;
}

function hhmmss(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(Math.floor(d.getUTCMilliseconds() / 10))}`;
}

function ddmmyy(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}${p(d.getUTCMonth() + 1)}${p(d.getUTCFullYear() % 100)}`;
}

function angle(value: number, degWidth: number, pos: string, neg: string): [string, string] {
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  const min = (abs - deg) * 60;
  return [`${String(deg).padStart(degWidth, '0')}${min.toFixed(5).padStart(8, '0')}`, value >= 0 ? pos : neg];
}

/** One epoch of sentences from `talker` (GP, GN, BD, GL…), CR LF terminated. */
export function epochSentences(f: SimFix, talker = 'GN'): string[] {
  const d = new Date(f.at);
  const t = hhmmss(d);
  const knots = (f.speedKmh / 1.852).toFixed(3);
  if (f.valid === false) {
    return [
      `${talker}GGA,${t},,,,,0,00,99.99,,,,,,`,
      `${talker}GSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99`,
      `${talker}RMC,${t},V,,,,,,,${ddmmyy(d)},,,N`,
      `${talker}VTG,,T,,M,,N,,K,N`,
    ].map((s) => `${nmeaSentence(s)}\r\n`);
  }
  const [lat, ns] = angle(f.lat, 2, 'N', 'S');
  const [lon, ew] = angle(f.lon, 3, 'E', 'W');
  const sats = String(f.satellites ?? 9).padStart(2, '0');
  const hdop = (f.hdop ?? 0.9).toFixed(1);
  return [
    `${talker}GGA,${t},${lat},${ns},${lon},${ew},1,${sats},${hdop},12.0,M,2.0,M,,`,
    `${talker}GSA,A,3,02,05,07,10,13,15,18,,,,,,1.6,${hdop},1.3`,
    `${talker}RMC,${t},A,${lat},${ns},${lon},${ew},${knots},${f.course.toFixed(1)},${ddmmyy(d)},,,A`,
    `${talker}VTG,${f.course.toFixed(1)},T,,M,${knots},N,${f.speedKmh.toFixed(1)},K,A`,
  ].map((s) => `${nmeaSentence(s)}\r\n`);
}
