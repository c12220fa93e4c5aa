/**
 * The board's rows: one flat, printable summary per device, problems first. Pure (the
 * caller passes `now`), shared by `fleet watch`, `--once --json` and the web board.
 */
import type { BoardModel, DeviceEntry } from './board-model.js';

export interface BoardRow {
  deviceId: string;
  kind: string | null;
  unit: string | null;
  site: string | null;
  status: 'online' | 'offline' | 'unknown';
  statusSince: number | null;
  recording: boolean;
  caseId: string | null;
  officerId: string | null;
  /** Channels streaming live view now (state.live, contract 1.1.0). */
  liveChannels: string[];
  channelsOk: number;
  channels: number;
  alarms: Array<{ kind: string; subject: string; message: string; raisedAt: number }>;
  /** Hours of recording the free evidence space holds at the recent rate; null until measured. */
  diskHoursLeft: number | null;
  outboxDepth: number | null;
  /** Cases queued for offload and not yet confirmed by the centre. */
  offloadQueue: number;
  lastOffloadAt: number | null;
  gpsFix: boolean | null;
  lastSeen: number;
  problems: string[];
  severity: number;
}

export interface BoardFilter {
  unit?: string;
  kind?: string;
  /** Only devices with at least one problem. */
  problems?: boolean;
}

/** Thresholds for a problem; a health older than `staleHealthMs` is one too. */
export const LIMITS = { diskHoursLeft: 2, outboxDepth: 1000, staleHealthMs: 3 * 60_000 };

export function deviceRow(d: DeviceEntry, now: number): BoardRow {
  const channels = d.state?.channels ?? d.health?.channels ?? [];
  const minutesLeft = d.health?.recording.minutesLeft ?? null;
  const diskHoursLeft = minutesLeft === null ? null : Math.round((minutesLeft / 60) * 10) / 10;
  const problems: string[] = [];
  let severity = 0;
  const add = (what: string, weight: number) => {
    problems.push(what);
    severity += weight;
  };
  if (d.status === 'offline') add('offline', 100);
  const alarms = [...d.alarms.values()];
  for (const a of alarms) add(`alarm ${a.kind}${a.subject ? ` (${a.subject})` : ''}`, 50);
  const down = channels.filter((c) => !c.ok).length;
  if (d.status !== 'offline' && down) add(`${down} channel(s) down`, 40);
  if (diskHoursLeft !== null && diskHoursLeft < LIMITS.diskHoursLeft) add(`disk ${diskHoursLeft} h left`, 30);
  const depth = d.health?.outbox.depth ?? null;
  if (depth !== null && depth > LIMITS.outboxDepth) add(`outbox ${depth}`, 10);
  if (d.status === 'online' && d.health && now - d.health.ts > LIMITS.staleHealthMs) add('health stale', 20);
  const gpsFix = d.health?.gps ? d.health.gps.fix : null;
  if (d.status === 'online' && d.inventory?.kind === 'vehicle' && gpsFix === false) add('no GPS fix', 5);
  if (d.invalidMessages) add(`${d.invalidMessages} invalid message(s)`, 1);
  return {
    deviceId: d.deviceId,
    kind: d.inventory?.kind ?? null,
    unit: d.inventory?.unit ?? null,
    site: d.inventory?.plate ?? d.inventory?.site ?? null,
    status: d.status,
    statusSince: d.statusSince,
    recording: d.state?.recording ?? false,
    caseId: d.state?.caseId ?? null,
    officerId: d.state?.officerId ?? null,
    liveChannels: (d.state?.live ?? []).map((l) => l.channel),
    channelsOk: channels.length - down,
    channels: channels.length,
    alarms,
    diskHoursLeft,
    outboxDepth: depth,
    offloadQueue: d.offloadPending.size,
    lastOffloadAt: d.lastOffloadAt,
    gpsFix,
    lastSeen: d.lastSeen,
    problems,
    severity,
  };
}

/** Rows matching `filter`, most severe first, then by device ID. */
export function boardRows(model: BoardModel, now: number, filter: BoardFilter = {}): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const d of model.devices.values()) {
    if (filter.unit !== undefined && d.inventory?.unit !== filter.unit) continue;
    if (filter.kind !== undefined && d.inventory?.kind !== filter.kind) continue;
    const row = deviceRow(d, now);
    if (filter.problems && row.severity === 0) continue;
    rows.push(row);
  }
  return rows.sort((a, b) => b.severity - a.severity || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}

export function boardSummary(rows: BoardRow[]): { devices: number; online: number; offline: number; recording: number; withProblems: number; alarms: number } {
  return {
    devices: rows.length,
    online: rows.filter((r) => r.status === 'online').length,
    offline: rows.filter((r) => r.status === 'offline').length,
    recording: rows.filter((r) => r.recording).length,
    withProblems: rows.filter((r) => r.severity > 0).length,
    alarms: rows.reduce((n, r) => n + r.alarms.length, 0),
  };
}
