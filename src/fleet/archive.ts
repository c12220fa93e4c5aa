/**
 * The equipment archive and its statistics for a period, computed from the fleet store:
 * sheet 1 one row per device, sheet 2 figures per unit and per kind. Pure computation
 * over what the store kept (no MQTT), so an export never depends on who is online.
 *
 * Definitions (the agency's report wording, made exact):
 * - hours recorded: case time inside the period (open cases count up to `to`);
 * - online rate: the share of the period (from when the device was first seen) it was
 *   online, from its status changes; a device never seen changing counts its last status;
 * - faults: equipment alarms raised in the period (not the operator's incident alarms)
 *   plus recording gaps;
 * - upload completion: closed cases in the period whose offload was confirmed;
 * - due: maintenance due, or replacement due, on or before `to`.
 */
import type { FleetStore } from './fleet-store.js';
import type { AlarmRow, CaseRow, DeviceRecord } from './fleet-records.js';

export const OPERATOR_ALARMS = new Set(['violent-resistance', 'emergency']);

export interface ArchiveDeviceRow {
  deviceId: string;
  kind: string;
  model: string;
  serial: string;
  unit: string;
  site: string;
  officerId: string;
  software: string;
  firmware: string;
  storageTotalGB: number | null;
  storageFreeGB: number | null;
  cameras: string;
  provisionedAt: string;
  status: string;
  lastOnline: string;
  lastOffload: string;
  pendingUpload: number;
  openAlarms: number;
  hoursRecorded: number;
  faults: number;
  onlineRate: number;
  cases: number;
  casesWithGaps: number;
  casesClosed: number;
  casesUploaded: number;
  due: boolean;
}

export interface ArchiveStatRow {
  by: 'unit' | 'kind';
  name: string;
  devices: number;
  onlineRate: number;
  hoursRecorded: number;
  cases: number;
  casesWithGaps: number;
  uploadCompletion: number | null;
  faults: number;
  due: number;
}

export interface Archive {
  from: number;
  to: number;
  devices: ArchiveDeviceRow[];
  stats: ArchiveStatRow[];
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const gb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : Math.round(bytes / 1e8) / 10);
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

function groupBy<T>(items: T[], k: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const key = k(it);
    const list = m.get(key);
    if (list) list.push(it);
    else m.set(key, [it]);
  }
  return m;
}

export async function buildArchive(store: FleetStore, from: number, to: number): Promise<Archive> {
  const [devices, cases, alarms, gaps, statuses] = await Promise.all([
    store.devices.values(),
    store.cases.values(),
    store.alarms.values(),
    store.gaps.values(),
    store.status.entries(),
  ]);
  const casesBy = groupBy(cases, (c) => c.deviceId);
  const alarmsBy = groupBy(alarms, (a) => a.deviceId);
  const gapsBy = groupBy(gaps, (g) => g.deviceId);
  const statusBy = groupBy(statuses, ([k]) => k.slice(0, k.indexOf('\u0000')));
  const rows = devices.map((d) => deviceRow(d, casesBy.get(d.deviceId) ?? [], alarmsBy.get(d.deviceId) ?? [], gapsBy.get(d.deviceId)?.filter((g) => g.at >= from && g.at < to).length ?? 0, (statusBy.get(d.deviceId) ?? []).map(([, v]) => v), from, to));
  rows.sort((a, b) => (a.unit + a.deviceId < b.unit + b.deviceId ? -1 : 1));
  const stats: ArchiveStatRow[] = [];
  for (const by of ['unit', 'kind'] as const) {
    for (const [name, group] of [...groupBy(rows, (r) => r[by])].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const closed = group.reduce((n, r) => n + r.casesClosed, 0);
      stats.push({
        by,
        name,
        devices: group.length,
        onlineRate: round(group.reduce((n, r) => n + r.onlineRate, 0) / group.length, 4),
        hoursRecorded: round(group.reduce((n, r) => n + r.hoursRecorded, 0)),
        cases: group.reduce((n, r) => n + r.cases, 0),
        casesWithGaps: group.reduce((n, r) => n + r.casesWithGaps, 0),
        uploadCompletion: closed ? round(group.reduce((n, r) => n + r.casesUploaded, 0) / closed, 4) : null,
        faults: group.reduce((n, r) => n + r.faults, 0),
        due: group.filter((r) => r.due).length,
      });
    }
  }
  return { from, to, devices: rows, stats };
}

function onlineRate(d: DeviceRecord, changes: Array<{ status: 'online' | 'offline'; at: number }>, from: number, to: number): number {
  const start = Math.max(from, d.firstSeen);
  if (start >= to) return d.status === 'online' ? 1 : 0;
  const before = changes.filter((c) => c.at <= start).at(-1);
  let state: string = before?.status ?? (changes.find((c) => c.at > start)?.status === 'online' ? 'offline' : changes.length ? 'online' : d.status);
  let t = start;
  let online = 0;
  for (const c of changes) {
    if (c.at <= start || c.at >= to) continue;
    if (state === 'online') online += c.at - t;
    state = c.status;
    t = c.at;
  }
  if (state === 'online') online += to - t;
  return round(online / (to - start), 4);
}

function deviceRow(d: DeviceRecord, cases: CaseRow[], alarms: AlarmRow[], gapCount: number, changes: Array<{ status: 'online' | 'offline'; at: number }>, from: number, to: number): ArchiveDeviceRow {
  const inv = d.inventory;
  const inPeriod = cases.filter((c) => c.openedAt < to && (c.closedAt ?? to) > from);
  const hours = inPeriod.reduce((n, c) => n + (Math.min(c.closedAt ?? to, to) - Math.max(c.openedAt, from)), 0) / 3_600_000;
  const closed = inPeriod.filter((c) => c.closedAt !== null && c.closedAt >= from && c.closedAt < to);
  const faults = alarms.filter((a) => a.raisedAt >= from && a.raisedAt < to && !OPERATOR_ALARMS.has(a.kind)).length + gapCount;
  const dueDate = (s: string | null | undefined) => (s ? Date.parse(s) <= to : false);
  return {
    deviceId: d.deviceId,
    kind: inv?.kind ?? '',
    model: inv?.model ?? '',
    serial: inv?.serial ?? '',
    unit: inv?.unit ?? '',
    site: [inv?.site, inv?.plate].filter(Boolean).join(' / '),
    officerId: d.officerId ?? '',
    software: inv ? `casecam ${inv.software.casecam} (contract ${inv.software.contract})` : '',
    firmware: inv?.firmware ?? '',
    storageTotalGB: gb(inv?.storage?.totalBytes),
    storageFreeGB: gb(d.lastHealth?.diskFreeBytes),
    cameras: inv ? inv.cameras.map((c) => c.id).join(', ') : '',
    provisionedAt: inv?.provisionedAt ?? '',
    status: d.status,
    lastOnline: iso(d.status === 'online' ? d.lastSeen : d.lastOnline),
    lastOffload: iso(d.lastOffloadAt),
    pendingUpload: cases.filter((c) => c.closedAt !== null && c.offloadedAt === null).length,
    openAlarms: alarms.filter((a) => a.clearedAt === null).length,
    hoursRecorded: round(hours),
    faults,
    onlineRate: onlineRate(d, changes, from, to),
    cases: inPeriod.length,
    casesWithGaps: inPeriod.filter((c) => c.gaps > 0).length,
    casesClosed: closed.length,
    casesUploaded: closed.filter((c) => c.offloadedAt !== null).length,
    due: dueDate(inv?.maintenance?.dueAt) || dueDate(inv?.maintenance?.replaceBy),
  };
}
