/**
 * The watermark burnt into every frame. The overlay element adds the time itself
 * (per frame, from the clock); this text carries who, where and which case.
 */
export interface Position {
  lat: number;
  lon: number;
  speedKmh?: number;
}

export interface OsdFields {
  deviceId: string;
  officerId?: string;
  caseIds: string[];
  position?: Position;
}

export function osdText(f: OsdFields): string {
  const gps = f.position
    ? `${f.position.lat.toFixed(5)},${f.position.lon.toFixed(5)}${f.position.speedKmh !== undefined ? ` ${f.position.speedKmh.toFixed(0)}km/h` : ''}`
    : 'no fix';
  const cases = f.caseIds.length ? f.caseIds.join(' ') : '-';
  return `DEV ${f.deviceId}  OFC ${f.officerId ?? '-'}\nCASE ${cases}\nGPS ${gps}\n`;
}
