/**
 * Writes simulator/nmea/patrol-nanjing.nmea: a 3-minute patrol at 1 Hz along a road
 * in Nanjing (a stop for the roadside investigation, then on), with a 12-second
 * tunnel where the receiver loses its fix (GN talker, like a GPS+BeiDou receiver).
 * Run: node dist/simulator/make-patrol-track.js > simulator/nmea/patrol-nanjing.nmea
 */
import { epochSentences } from './nmea-encode.js';

const start = Date.UTC(2026, 10, 28, 2, 0, 0);
let lat = 32.0415;
let lon = 118.7786;
const out: string[] = [];
for (let s = 0; s < 180; s++) {
  // 0–40 s driving north-east at 40 km/h, 40–120 s stopped at the scene, 120–180 s on again.
  const speedKmh = s < 40 ? 40 : s < 120 ? 0 : 50;
  const course = 45;
  const step = speedKmh / 3.6; // metres this second
  lat += (step * Math.cos((course * Math.PI) / 180)) / 111_320;
  lon += (step * Math.sin((course * Math.PI) / 180)) / (111_320 * Math.cos((lat * Math.PI) / 180));
  const inTunnel = s >= 150 && s < 162;
  out.push(...epochSentences({ at: start + s * 1000, lat, lon, speedKmh, course, satellites: 14, hdop: 0.8, valid: !inTunnel }, 'GN'));
}
process.stdout.write(out.join(''));
