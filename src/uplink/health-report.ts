/**
 * The `health` payload: machine figures from systeminformation and the service's own
 * (channels, outbox, minutes of recording left, GPS, alarms). A probe that fails
 * (no temperature sensor in a VM, say) gives null, never an error.
 */
import os from 'node:os';
import si from 'systeminformation';
import type { Clock } from '../core/clock.js';
import type { AlarmEvent } from '../core/events.js';
import type { DeviceState } from '../recording/device-state.js';
import { diskFigures, type RecordingRate } from './recording-rate.js';
import { atRest } from '../evidence/at-rest.js';
import type { HealthSchema } from './payloads.js';
import type { z } from 'zod';

export interface GpsReading {
  fix: boolean;
  lat: number;
  lon: number;
  speedKmh: number;
  satellites: number;
  utc: string;
}
/** The GPS as the hardware reports it: any figure may be unknown (null); the clock offset is system − GPS time. */
export type GpsProvider = () => ({ [K in keyof GpsReading]?: GpsReading[K] | null } & { clockOffsetMs?: number | null }) | undefined;

export interface HealthSources {
  clock: Clock;
  startedAt: number;
  evidenceDir: string;
  state: () => DeviceState;
  outbox: () => { depth: number; bytes: number; dropped: { telemetry: number; normal: number } };
  rate: RecordingRate;
  alarms: () => AlarmEvent[];
  gps?: GpsProvider;
  /** The evidence store's own view (a storage budget, when configured, is the capacity). */
  storage?: () => { capacityBytes: number; freeBytes: number } | undefined;
  /** Bytes sent by live view since the service started. */
  liveBytesSent?: () => number;
}

export type Health = z.infer<typeof HealthSchema>;

const orNull = async <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

export async function healthReport(src: HealthSources): Promise<Health> {
  const [load, temp, mem, fsDisk, rest] = await Promise.all([
    orNull(si.currentLoad()),
    orNull(si.cpuTemperature()),
    orNull(si.mem()),
    diskFigures(src.evidenceDir),
    atRest(src.evidenceDir),
  ]);
  const budget = src.storage?.();
  const figures = budget ? { path: src.evidenceDir, totalBytes: budget.capacityBytes, freeBytes: budget.freeBytes } : fsDisk;
  const disk = figures && { ...figures, encrypted: rest.encrypted };
  const bps = src.rate.bytesPerSecond();
  const gps = src.gps?.();
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    ts: src.clock.now(),
    uptimeSeconds: Math.round((src.clock.now() - src.startedAt) / 1000),
    cpu: { loadPercent: num(load?.currentLoad), temperatureC: num(temp?.main) },
    memory: {
      totalBytes: mem?.total ?? os.totalmem(),
      usedBytes: mem ? mem.total - mem.available : os.totalmem() - os.freemem(),
      availableBytes: mem?.available ?? os.freemem(),
    },
    disk,
    recording: {
      bytesPerSecond: bps === null ? null : Math.round(bps),
      minutesLeft: disk && bps ? Math.floor(disk.freeBytes / bps / 60) : null,
    },
    channels: src.state().channels,
    outbox: src.outbox(),
    gps: gps
      ? {
          fix: gps.fix === true,
          lat: num(gps.lat),
          lon: num(gps.lon),
          speedKmh: num(gps.speedKmh),
          satellites: num(gps.satellites),
          utc: typeof gps.utc === 'string' ? gps.utc : null,
        }
      : null,
    clockOffsetMs: num(gps?.clockOffsetMs),
    alarms: src.alarms(),
    live: { streams: src.state().live.length, bytesSent: src.liveBytesSent?.() ?? 0 },
  };
}
