/**
 * The fleet board's model: every device seen, from retained `status`/`state`/`inventory`
 * and live `health`/`events`. Pure and synchronous (no MQTT, no clock of its own: every
 * message comes with the time it was received), so it is tested from a recorded message
 * sequence and runs unchanged in the browser.
 *
 * Invariants:
 * - one entry per deviceId, created by the first valid message from it;
 * - an event is applied at most once per device (de-duplicated on its `id`, the contract's
 *   at-least-once delivery);
 * - active alarms are the last `health.alarms` list, updated by `alarm.raised` /
 *   `alarm.cleared` events in between (one alarm per kind and subject, as on the device);
 * - `apply` returns the facts worth keeping (status changes, alarms, cases, health samples)
 *   so a history store can persist them; the model itself keeps only bounded recent lists.
 */
import { parseFleetMessage, type DeviceEvent, type FleetMessage, type Health, type Inventory, type State } from './fleet-message.js';

export interface ActiveAlarm {
  kind: string;
  subject: string;
  message: string;
  raisedAt: number;
}
export interface AlarmRecord extends ActiveAlarm {
  deviceId: string;
  clearedAt: number | null;
}
export interface CaseRecord {
  deviceId: string;
  caseId: string;
  openedAt: number;
  closedAt: number | null;
  trigger: string | null;
  closeTrigger: string | null;
  gaps: number;
  officerId: string | null;
}
export interface HealthSample {
  ts: number;
  cpu: number | null;
  diskFreeBytes: number | null;
  minutesLeft: number | null;
  outboxDepth: number;
}
export interface GpsPoint {
  ts: number;
  lat: number;
  lon: number;
}

export interface DeviceEntry {
  deviceId: string;
  status: 'online' | 'offline' | 'unknown';
  /** When the status last changed as seen live; null when only known from a retained message. */
  statusSince: number | null;
  state: State | null;
  inventory: Inventory | null;
  health: Health | null;
  lastSeen: number;
  alarms: Map<string, ActiveAlarm>;
  recentAlarms: AlarmRecord[];
  recentCases: CaseRecord[];
  healthHistory: HealthSample[];
  gpsTrack: GpsPoint[];
  /** Cases the device queued for offload and the centre has not confirmed yet (offload.queued → offload.confirmed). */
  offloadPending: Set<string>;
  /** When the centre last confirmed an offloaded case. */
  lastOffloadAt: number | null;
  invalidMessages: number;
  /** Event ids already applied (bounded, oldest forgotten first). */
  seen: Set<string>;
}

export type Fact =
  | { type: 'status'; deviceId: string; status: 'online' | 'offline'; at: number; retained: boolean }
  | { type: 'inventory'; deviceId: string; inventory: Inventory; at: number }
  | { type: 'state'; deviceId: string; officerId: string | null; at: number }
  | { type: 'health'; deviceId: string; sample: HealthSample; gps: GpsPoint | null }
  | { type: 'alarm'; alarm: AlarmRecord }
  | { type: 'case'; record: CaseRecord }
  | { type: 'gap'; deviceId: string; caseId: string | null; at: number; seconds: number }
  | { type: 'offload'; deviceId: string; at: number; caseId: string | null }
  | { type: 'event'; deviceId: string; event: DeviceEvent; receivedAt: number };

export interface ApplyResult {
  deviceId?: string;
  facts: Fact[];
  /** Set when the message was refused (not the contract); the board counts it, never throws. */
  error?: string;
}

const KEEP = { alarms: 50, cases: 20, health: 120, gps: 300, seen: 1000 };
const alarmKey = (kind: string, subject: string) => `${kind}\u0000${subject}`;

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export class BoardModel {
  readonly devices = new Map<string, DeviceEntry>();
  invalid = 0;

  constructor(private readonly root = 'casecam') {}

  /** One raw MQTT message, as received at `receivedAt` (ms). */
  applyRaw(topic: string, text: string, retained: boolean, receivedAt: number): ApplyResult {
    const parsed = parseFleetMessage(topic, text, this.root);
    if (parsed.ok === 'ignored') return { facts: [] };
    if (parsed.ok === false) {
      this.invalid++;
      if (parsed.deviceId && this.devices.has(parsed.deviceId)) this.devices.get(parsed.deviceId)!.invalidMessages++;
      return { deviceId: parsed.deviceId, facts: [], error: parsed.reason };
    }
    return this.apply(parsed.message, retained, receivedAt);
  }

  apply(msg: FleetMessage, retained: boolean, receivedAt: number): ApplyResult {
    const d = this.entry(msg.deviceId, receivedAt);
    d.lastSeen = Math.max(d.lastSeen, receivedAt);
    const facts: Fact[] = [];
    switch (msg.topic) {
      case 'status':
        if (d.status !== msg.value) {
          d.status = msg.value;
          d.statusSince = retained ? null : receivedAt;
          facts.push({ type: 'status', deviceId: d.deviceId, status: msg.value, at: receivedAt, retained });
        }
        break;
      case 'state':
        d.state = msg.value;
        facts.push({ type: 'state', deviceId: d.deviceId, officerId: msg.value.officerId, at: receivedAt });
        break;
      case 'inventory':
        d.inventory = msg.value;
        facts.push({ type: 'inventory', deviceId: d.deviceId, inventory: msg.value, at: receivedAt });
        break;
      case 'health':
        this.applyHealth(d, msg.value, facts);
        break;
      case 'events':
        if (d.seen.has(msg.value.id)) break;
        d.seen.add(msg.value.id);
        if (d.seen.size > KEEP.seen) d.seen.delete(d.seen.values().next().value!);
        facts.push({ type: 'event', deviceId: d.deviceId, event: msg.value, receivedAt });
        this.applyEvent(d, msg.value, facts);
        break;
    }
    return { deviceId: d.deviceId, facts };
  }

  /**
   * A retained status does not say since when; a history kept elsewhere (the fleet store)
   * may. Fills it in only when the status still matches and nothing live has set it.
   */
  restoreSince(deviceId: string, status: 'online' | 'offline', since: number): void {
    const d = this.devices.get(deviceId);
    if (d && d.status === status && d.statusSince === null) d.statusSince = since;
  }

  private entry(deviceId: string, at: number): DeviceEntry {
    let d = this.devices.get(deviceId);
    if (!d) {
      d = {
        deviceId,
        status: 'unknown',
        statusSince: null,
        state: null,
        inventory: null,
        health: null,
        lastSeen: at,
        alarms: new Map(),
        recentAlarms: [],
        recentCases: [],
        healthHistory: [],
        gpsTrack: [],
        offloadPending: new Set(),
        lastOffloadAt: null,
        invalidMessages: 0,
        seen: new Set(),
      };
      this.devices.set(deviceId, d);
    }
    return d;
  }

  private applyHealth(d: DeviceEntry, h: Health, facts: Fact[]): void {
    d.health = h;
    // The health list is the device's own view of its active alarms: it replaces ours.
    const next = new Map<string, ActiveAlarm>();
    for (const a of h.alarms) next.set(alarmKey(a.kind, a.subject), { kind: a.kind, subject: a.subject, message: a.message, raisedAt: a.at });
    for (const [k, a] of next) if (!d.alarms.has(k)) this.raised(d, a, facts);
    for (const [k, a] of d.alarms) if (!next.has(k)) this.cleared(d, a, h.ts, facts);
    d.alarms = next;
    const sample: HealthSample = {
      ts: h.ts,
      cpu: h.cpu.loadPercent,
      diskFreeBytes: h.disk?.freeBytes ?? null,
      minutesLeft: h.recording.minutesLeft,
      outboxDepth: h.outbox.depth,
    };
    pushBounded(d.healthHistory, sample, KEEP.health);
    let gps: GpsPoint | null = null;
    if (h.gps?.fix && h.gps.lat !== null && h.gps.lon !== null) {
      gps = { ts: h.ts, lat: h.gps.lat, lon: h.gps.lon };
      pushBounded(d.gpsTrack, gps, KEEP.gps);
    }
    facts.push({ type: 'health', deviceId: d.deviceId, sample, gps });
  }

  private raised(d: DeviceEntry, a: ActiveAlarm, facts: Fact[]): void {
    const rec: AlarmRecord = { ...a, deviceId: d.deviceId, clearedAt: null };
    pushBounded(d.recentAlarms, rec, KEEP.alarms);
    facts.push({ type: 'alarm', alarm: rec });
  }

  private cleared(d: DeviceEntry, a: ActiveAlarm, at: number, facts: Fact[]): void {
    const rec = [...d.recentAlarms].reverse().find((r) => r.kind === a.kind && r.subject === a.subject && r.clearedAt === null);
    const done: AlarmRecord = { ...(rec ?? { ...a, deviceId: d.deviceId }), clearedAt: at };
    if (rec) rec.clearedAt = at;
    else pushBounded(d.recentAlarms, done, KEEP.alarms);
    facts.push({ type: 'alarm', alarm: { ...done } });
  }

  private applyEvent(d: DeviceEntry, e: DeviceEvent, facts: Fact[]): void {
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    switch (e.type) {
      case 'alarm.raised':
      case 'alarm.cleared': {
        const kind = str(e.kind) ?? 'unknown';
        const subject = str(e.subject) ?? '';
        const k = alarmKey(kind, subject);
        if (e.type === 'alarm.raised') {
          const a = { kind, subject, message: str(e.message) ?? '', raisedAt: num(e.at) ?? e.ts };
          if (!d.alarms.has(k)) this.raised(d, a, facts);
          d.alarms.set(k, a);
        } else {
          const a = d.alarms.get(k);
          if (a) {
            d.alarms.delete(k);
            this.cleared(d, a, num(e.at) ?? e.ts, facts);
          }
        }
        break;
      }
      case 'case.opened': {
        if (!e.caseId) break;
        const rec: CaseRecord = {
          deviceId: d.deviceId,
          caseId: e.caseId,
          openedAt: num(e.at) ?? e.ts,
          closedAt: null,
          trigger: str(e.trigger),
          closeTrigger: null,
          gaps: 0,
          officerId: str(e.officerId),
        };
        pushBounded(d.recentCases, rec, KEEP.cases);
        facts.push({ type: 'case', record: { ...rec } });
        break;
      }
      case 'case.closed': {
        if (!e.caseId) break;
        let rec = d.recentCases.find((c) => c.caseId === e.caseId);
        if (!rec) {
          // Opened before we watched: the close still tells us it happened.
          rec = { deviceId: d.deviceId, caseId: e.caseId, openedAt: num(e.windowStart) ?? e.ts, closedAt: null, trigger: null, closeTrigger: null, gaps: 0, officerId: null };
          pushBounded(d.recentCases, rec, KEEP.cases);
        }
        rec.closedAt = num(e.at) ?? e.ts;
        rec.closeTrigger = str(e.trigger);
        rec.gaps = num(e.gaps) ?? rec.gaps;
        facts.push({ type: 'case', record: { ...rec } });
        break;
      }
      case 'recording.gap': {
        const from = num(e.from);
        const to = num(e.to);
        const open = d.recentCases.filter((c) => c.closedAt === null);
        for (const c of open) c.gaps++;
        facts.push({ type: 'gap', deviceId: d.deviceId, caseId: e.caseId ?? open[0]?.caseId ?? null, at: e.ts, seconds: from !== null && to !== null ? Math.max(0, (to - from) / 1000) : 0 });
        break;
      }
      case 'offload.queued':
        if (e.caseId) d.offloadPending.add(e.caseId);
        break;
      case 'offload.confirmed': {
        // The centre verified every file: only now is a case off the device's hands.
        const at = num(e.at) ?? e.ts;
        if (e.caseId) d.offloadPending.delete(e.caseId);
        d.lastOffloadAt = Math.max(d.lastOffloadAt ?? 0, at);
        facts.push({ type: 'offload', deviceId: d.deviceId, at, caseId: e.caseId ?? null });
        break;
      }
    }
  }
}
