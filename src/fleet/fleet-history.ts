/**
 * Keeps what the board saw in the fleet store: the board model's facts become rows.
 * `record()` is synchronous (called from the MQTT message handler); writes are gathered
 * and written in one LevelDB batch every `flushMs`, so 1,000 devices cost a few batches a
 * second, not a write per message.
 *
 * Health is sampled: at most one row per device per `healthEveryMs` (default 10 min), so
 * a year of a 1,000-device fleet stays around 50 M rows, not 500 M.
 * The `devices` table is the last known picture; it is kept in memory while running and
 * written through (start() first, so a restart continues from what was kept).
 */
import type { Logger } from '../core/logger.js';
import type { Fact } from './board-model.js';
import type { CaseRow, DeviceRecord } from './fleet-records.js';
import { FleetStore, key, timeKey, type FleetOp } from './fleet-store.js';
import { SerialQueue } from '../core/serial-queue.js';

const MAX_CASES = 20_000;

export class FleetHistory {
  private readonly devices = new Map<string, DeviceRecord>();
  /** Case rows of this run (and open ones from before), newest last; bounded, see keepCase(). */
  private readonly cases = new Map<string, CaseRow>();
  private readonly lastHealthRow = new Map<string, number>();
  private ops: FleetOp[] = [];
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new SerialQueue();
  written = 0;

  constructor(
    private readonly store: FleetStore,
    private readonly log: Logger,
    private readonly opts: { flushMs?: number; healthEveryMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    for (const d of await this.store.devices.values()) this.devices.set(d.deviceId, d);
    // Open cases: a close, a gap or an offload may arrive for them.
    for (const c of await this.store.cases.values()) if (c.closedAt === null) this.keepCase(key(c.deviceId, c.caseId), c);
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs ?? 250);
  }

  private device(id: string, at: number): DeviceRecord {
    let d = this.devices.get(id);
    if (!d) {
      d = { deviceId: id, inventory: null, firstSeen: at, lastSeen: at, status: 'unknown', statusSince: null, lastOnline: null, officerId: null, lastOffloadAt: null, lastHealth: null };
      this.devices.set(id, d);
    }
    this.dirty.add(id);
    return d;
  }

  record(facts: Fact[]): void {
    const s = this.store;
    for (const f of facts) {
      switch (f.type) {
        case 'status': {
          const d = this.device(f.deviceId, f.at);
          d.lastSeen = Math.max(d.lastSeen, f.at);
          // A retained status says nothing new about *when*: keep the last live time we know.
          if (d.status !== f.status || !f.retained) d.statusSince = f.retained ? d.statusSince : f.at;
          d.status = f.status;
          if (f.status === 'online') d.lastOnline = f.at;
          if (!f.retained) this.ops.push(s.status.putOp(key(f.deviceId, timeKey(f.at)), { status: f.status, at: f.at, retained: f.retained }));
          break;
        }
        case 'state': {
          const d = this.device(f.deviceId, f.at);
          d.officerId = f.officerId;
          break;
        }
        case 'inventory': {
          const d = this.device(f.deviceId, f.at);
          d.inventory = f.inventory;
          d.lastSeen = Math.max(d.lastSeen, f.at);
          break;
        }
        case 'health': {
          const d = this.device(f.deviceId, f.sample.ts);
          d.lastSeen = Math.max(d.lastSeen, f.sample.ts);
          if (d.status === 'online') d.lastOnline = Math.max(d.lastOnline ?? 0, f.sample.ts);
          d.lastHealth = { ts: f.sample.ts, diskFreeBytes: f.sample.diskFreeBytes, minutesLeft: f.sample.minutesLeft, outboxDepth: f.sample.outboxDepth };
          const last = this.lastHealthRow.get(f.deviceId) ?? 0;
          if (f.sample.ts - last >= (this.opts.healthEveryMs ?? 600_000)) {
            this.lastHealthRow.set(f.deviceId, f.sample.ts);
            this.ops.push(s.health.putOp(key(f.deviceId, timeKey(f.sample.ts)), { ...f.sample, lat: f.gps?.lat ?? null, lon: f.gps?.lon ?? null }));
          }
          break;
        }
        case 'alarm': {
          const a = f.alarm;
          this.ops.push(s.alarms.putOp(key(a.deviceId, timeKey(a.raisedAt), a.kind, a.subject), { ...a }));
          break;
        }
        case 'case': {
          const r = f.record;
          const k = key(r.deviceId, r.caseId);
          const prev = this.cases.get(k);
          const row: CaseRow = { ...r, gapSeconds: prev?.gapSeconds ?? 0, offloadedAt: prev?.offloadedAt ?? null };
          this.keepCase(k, row);
          this.ops.push(s.cases.putOp(k, row));
          break;
        }
        case 'gap': {
          this.ops.push(s.gaps.putOp(key(f.deviceId, timeKey(f.at)), { deviceId: f.deviceId, caseId: f.caseId, at: f.at, seconds: f.seconds }));
          const open = f.caseId ? this.cases.get(key(f.deviceId, f.caseId)) : undefined;
          if (open) {
            open.gapSeconds += f.seconds;
            open.gaps++;
            this.ops.push(s.cases.putOp(key(f.deviceId, open.caseId), { ...open }));
          }
          break;
        }
        case 'offload': {
          const d = this.device(f.deviceId, f.at);
          d.lastOffloadAt = Math.max(d.lastOffloadAt ?? 0, f.at);
          if (f.caseId) this.offloaded.push({ deviceId: f.deviceId, caseId: f.caseId, at: f.at });
          break;
        }
        case 'event':
          break;
      }
    }
  }

  /**
   * Keeps a case row in memory, so a later gap or offload confirmation merges into it even
   * before the row reached the disk. Bounded: past MAX_CASES the oldest closed rows are
   * forgotten (they are on disk; flush() reads them back when needed).
   */
  private keepCase(k: string, row: CaseRow): void {
    this.cases.delete(k);
    this.cases.set(k, row);
    if (this.cases.size <= MAX_CASES) return;
    for (const [old, c] of this.cases) {
      if (this.cases.size <= MAX_CASES) break;
      if (c.closedAt !== null) this.cases.delete(old);
    }
  }

  /** Offload confirmations to merge into closed cases (read-modify-write, done at flush). */
  private offloaded: Array<{ deviceId: string; caseId: string; at: number }> = [];

  /** Writes what was gathered; resolves when it is on disk. Never throws (logs). */
  flush(): Promise<void> {
    return this.writing.run(async () => {
      const ops = this.ops.splice(0);
      for (const id of this.dirty) ops.push(this.store.devices.putOp(id, this.devices.get(id)!));
      this.dirty.clear();
      for (const o of this.offloaded.splice(0)) {
        const k = key(o.deviceId, o.caseId);
        // In memory when it was recorded in this run (possibly in this very batch); else on disk.
        const row = this.cases.get(k) ?? (await this.store.cases.get(k));
        if (row) {
          row.offloadedAt = o.at;
          ops.push(this.store.cases.putOp(k, { ...row }));
        } else this.log.warn({ deviceId: o.deviceId, caseId: o.caseId }, 'offload confirmed for a case the fleet never saw; not recorded');
      }
      try {
        await this.store.batch(ops);
        this.written += ops.length;
      } catch (err) {
        this.log.error({ err, ops: ops.length }, 'cannot write fleet history');
      }
    }).catch((err: unknown) => this.log.error({ err }, 'cannot write fleet history'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
