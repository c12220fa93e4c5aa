/**
 * Contract payloads of a simulated device (no GStreamer, no LevelDB): what a real casecam
 * would publish on `state`, `inventory`, `health` and `events`. Every builder validates its
 * result with the contract's schema, so the simulator can never speak a dialect.
 */
import { CONTRACT_VERSION, EventSchema, HealthSchema, InventorySchema, StateSchema } from '../../uplink/payloads.js';
import type { DeviceEvent, Inventory } from '../fleet-message.js';
import type { z } from 'zod';

type State = z.infer<typeof StateSchema>;
type Health = z.infer<typeof HealthSchema>;

export interface SimProfile {
  deviceId: string;
  kind: Inventory['kind'];
  unit: string;
  site: string;
  plate: string | null;
  model: string;
  serial: string;
  provisionedAt: string;
  maintenanceDueAt: string;
  replaceBy: string;
  storageTotalBytes: number;
  channels: string[];
  home: { lat: number; lon: number };
}

export interface SimState {
  caseId: string | null;
  caseSince: number | null;
  officerId: string | null;
  trigger: string | null;
  channelsDown: Set<string>;
  alarms: Array<{ kind: string; subject: string; message: string; at: number }>;
  freeBytes: number;
  outboxDepth: number;
  bytesPerSecond: number;
  gps: { lat: number; lon: number; fix: boolean };
  startedAt: number;
}

export function inventoryPayload(p: SimProfile, now: number): Inventory {
  return InventorySchema.parse({
    deviceId: p.deviceId,
    kind: p.kind,
    model: p.model,
    serial: p.serial,
    software: { casecam: '0.1.0-sim', node: 'v20', contract: CONTRACT_VERSION },
    os: { platform: 'linux', release: '6.1-sim', arch: 'arm64' },
    storage: { path: '/var/lib/casecam', totalBytes: p.storageTotalBytes },
    cameras: p.channels.map((id) => ({ id, template: 'v4l2-x264', fps: 25 })),
    unit: p.unit,
    site: p.site,
    provisionedAt: p.provisionedAt,
    plate: p.plate,
    firmware: 'fw-2.3.1',
    maintenance: { lastServicedAt: null, dueAt: p.maintenanceDueAt, replaceBy: p.replaceBy },
    ts: now,
  });
}

export function statePayload(p: SimProfile, s: SimState, now: number): State {
  return StateSchema.parse({
    recording: s.caseId !== null,
    caseId: s.caseId,
    caseIds: s.caseId ? [s.caseId] : [],
    since: s.caseSince,
    trigger: s.trigger,
    officerId: s.officerId,
    channels: p.channels.map((id) => ({ id, ok: !s.channelsDown.has(id), fps: s.channelsDown.has(id) ? 0 : 25 })),
    preRecordSeconds: 30,
    live: [],
    ts: now,
  });
}

export function healthPayload(p: SimProfile, s: SimState, now: number): Health {
  return HealthSchema.parse({
    ts: now,
    uptimeSeconds: Math.round((now - s.startedAt) / 1000),
    cpu: { loadPercent: s.caseId ? 45 : 12, temperatureC: 48 },
    memory: { totalBytes: 2 * 2 ** 30, usedBytes: 600 * 2 ** 20, availableBytes: 1400 * 2 ** 20 },
    disk: { path: '/var/lib/casecam', totalBytes: p.storageTotalBytes, freeBytes: s.freeBytes },
    recording: s.bytesPerSecond > 0 ? { minutesLeft: Math.round(s.freeBytes / s.bytesPerSecond / 60), bytesPerSecond: s.bytesPerSecond } : { minutesLeft: null, bytesPerSecond: null },
    channels: p.channels.map((id) => ({ id, ok: !s.channelsDown.has(id), fps: s.channelsDown.has(id) ? 0 : 25 })),
    outbox: { depth: s.outboxDepth, bytes: s.outboxDepth * 400, dropped: { telemetry: 0, normal: 0 } },
    gps: p.kind === 'vehicle' ? { fix: s.gps.fix, lat: s.gps.fix ? s.gps.lat : null, lon: s.gps.fix ? s.gps.lon : null, speedKmh: 0, satellites: s.gps.fix ? 9 : 0, utc: null } : null,
    clockOffsetMs: null,
    alarms: s.alarms,
    live: { streams: 0, bytesSent: 0 },
  });
}

export function eventPayload(deviceId: string, seq: number, type: string, now: number, fields: Record<string, unknown> = {}): DeviceEvent {
  return EventSchema.parse({ ...fields, id: `${deviceId}-${seq}`, seq, ts: now, type });
}
