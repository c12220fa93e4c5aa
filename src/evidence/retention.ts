/**
 * Retention under a storage budget. Every `checkSeconds` one pass, on the case sessions'
 * seal queue (so it never drops or evicts what a claim is sealing or linking):
 *
 * 1. Ring ageing: a segment that left the pre-record window unclaimed becomes background
 *    footage when `backgroundBytes` > 0, else it is discarded (the pre-record buffer was
 *    never kept: that is not an eviction). A sealed one is only forgotten by the ring.
 * 2. Background budget: the oldest background footage beyond `backgroundBytes` goes.
 * 3. Pressure: below `lowFreePercent` free, evict in this order, oldest first, until 5 %
 *    more than the threshold is free: background footage, sealed footage no case claims,
 *    case footage whose offload is confirmed.
 * 4. Alarms: `storage.low` while still below the threshold; `storage.full` below
 *    `reserveBytes`, and then the ring shrinks (pre-record kept to two segments, no
 *    background) so that recording goes on.
 *
 * Invariants:
 * - Case footage that is not confirmed offloaded is never evicted, nor footage of a case
 *   still open or closing, offloaded or not (checked again on the very rows being
 *   evicted, not only when they were picked).
 * - Nothing is evicted without a `storage.evicted` journal entry written first; for
 *   sealed footage the entry and the rows' `evictedAt` are one batch. A crash before the
 *   files are gone is finished by recovery.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { unlink } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { StorageConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { SegmentRecord } from '../store/records.js';
import type { Ring, RingEntry } from '../media/ring.js';
import type { Journal } from './journal.js';

export interface RetentionDeps {
  store: Store;
  journal: Journal;
  ring: Ring;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** Case sessions: which ring segments an active case still wants, and their seal queue. */
  sessions: { wants(e: RingEntry): boolean; exclusive<T>(fn: () => Promise<T>): Promise<T>; activeCases(): Array<{ id: string }> };
  settings: StorageConfig;
  evidenceDir: string;
  backgroundDir: string;
  preRecordSeconds: number;
  segmentSeconds: number;
  /** File system size and free bytes of a directory (injectable for tests). */
  fsStats?: (dir: string) => Promise<{ total: number; free: number }>;
}

export interface StorageStatus {
  /** The budget, or the file system's size. */
  capacityBytes: number;
  freeBytes: number;
  freePercent: number;
  /** Sealed evidence on disk (not evicted); counted only under a budget. */
  evidenceBytes?: number;
  /** Unsealed footage the ring holds (pre-record window and background). */
  ringBytes: number;
  backgroundBytes: number;
  /** Recent recording rate over every channel, for "minutes of recording left". */
  bytesPerSecond: number;
  low: boolean;
  full: boolean;
  /** The ring is shrunk: pre-record cut to two segments, no background kept. */
  shrunk: boolean;
}

interface Candidate {
  id: string;
  start: number;
  bytes: number;
  /** 0: no case claims it; 1: offloaded case footage. */
  rank: number;
}

/** At most this many segments in one eviction entry, so entries stay small. */
const EVICT_CHUNK = 200;

async function defaultFsStats(dir: string): Promise<{ total: number; free: number }> {
  const s = await statfs(dir);
  return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
}

export class Retention {
  private evidenceBytes = 0;
  /** Under a budget: the count of evidence bytes at start, done before the first pass. */
  private counted: Promise<void> = Promise.resolve();
  private readonly sealedWhileCounting = new Set<string>();
  private counting = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly alarms = new Map<string, boolean>();
  /** Storage full: the ring is shrunk. */
  private full = false;
  /** Whether a scan of sealed rows may find evictable ones (reset by seals and offloads). */
  private sealedMayBeEvictable = true;
  private readonly unsubscribe: Array<() => void> = [];
  private last: StorageStatus | undefined;

  constructor(private readonly deps: RetentionDeps) {}

  /**
   * Run a pass every `checkSeconds`. Under a budget, the evidence bytes are counted first,
   * in the background (the first pass waits for it): a store of 250 000 segments takes
   * seconds to scan, and recording must not wait for that.
   */
  async start(): Promise<void> {
    const { bus, settings } = this.deps;
    this.unsubscribe.push(
      bus.on('segment.sealed', (e) => {
        this.evidenceBytes += e.bytes;
        if (this.counting) this.sealedWhileCounting.add(e.segmentId);
        if (e.caseIds.length === 0) this.sealedMayBeEvictable = true;
      }),
      // Offloaded footage becomes evictable when confirmed, or when its last case closes.
      bus.on('offload.confirmed', () => {
        this.sealedMayBeEvictable = true;
      }),
      bus.on('case.closed', () => {
        this.sealedMayBeEvictable = true;
      }),
    );
    // Handled here: it runs in the background, and an unhandled rejection would end the service.
    if (settings.budgetBytes !== undefined) this.counted = this.countEvidence().catch((err: unknown) => this.deps.log.error({ err }, 'cannot count the evidence bytes'));
    this.timer = setInterval(() => void this.pass(), settings.checkSeconds * 1000);
    this.timer.unref();
  }

  private async countEvidence(): Promise<void> {
    this.counting = true;
    try {
      for await (const [key, v] of this.deps.store.segmentRowsUnchecked()) {
        if (this.sealedWhileCounting.has(key)) continue; // counted by its event already
        // Only the size is needed here: a plain parse, not the full schema, keeps it quick.
        // A damaged row is skipped (the store's rule), never allowed to stop the count.
        if (!v) {
          this.deps.log.error({ table: 'segments', key }, 'stored value is not JSON; not counted');
          continue;
        }
        if (typeof v.bytes === 'number' && v.evictedAt === undefined) this.evidenceBytes += v.bytes;
      }
    } finally {
      this.counting = false;
      this.sealedWhileCounting.clear();
    }
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  status(): StorageStatus | undefined {
    return this.last && { ...this.last };
  }

  /** One pass now (a pass already running is joined, not repeated). */
  pass(): Promise<void> {
    this.running ??= this.deps.sessions
      .exclusive(() => this.run())
      .catch((err: unknown) => this.deps.log.error({ err }, 'retention pass failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(): Promise<void> {
    await this.counted;
    const { ring, settings, clock, sessions } = this.deps;
    const shrunk = this.full;
    const keepSeconds = shrunk ? this.deps.segmentSeconds * 2 : this.deps.preRecordSeconds + this.deps.segmentSeconds * 2;
    for (const e of ring.aged(clock.now() - keepSeconds * 1000, (e) => sessions.wants(e))) {
      if (e.sealed) ring.forget(e.id);
      else if (settings.backgroundBytes > 0) await ring.toBackground(e, this.deps.backgroundDir);
      else await ring.discard(e);
    }

    const budget = shrunk ? 0 : settings.backgroundBytes;
    const background = ring.background();
    let bgBytes = sum(background);
    if (bgBytes > budget) {
      // Trim to 90 % of the budget, so the journal gets one entry per tenth of it, not one per segment.
      const goal = budget * 0.9;
      const drop: RingEntry[] = [];
      for (const e of background) {
        if (bgBytes <= goal) break;
        drop.push(e);
        bgBytes -= e.bytes ?? 0;
      }
      await this.evictRing(drop, shrunk ? 'storage full: ring shrunk' : 'background budget');
    }

    let st = await this.measure();
    const lowBytes = (st.capacityBytes * settings.lowFreePercent) / 100;
    if (st.freeBytes < lowBytes) {
      let need = lowBytes + st.capacityBytes * 0.05 - st.freeBytes;
      const bg: RingEntry[] = [];
      for (const e of ring.background()) {
        if (need <= 0) break;
        bg.push(e);
        need -= e.bytes ?? 0;
      }
      await this.evictRing(bg, 'storage low');
      if (need > 0 && this.sealedMayBeEvictable) {
        const picked: Candidate[] = [];
        const candidates = await this.sealedCandidates();
        if (candidates.length === 0) this.sealedMayBeEvictable = false;
        for (const r of candidates) {
          if (need <= 0) break;
          picked.push(r);
          need -= r.bytes;
        }
        await this.evictSealed(picked, 'storage low');
      }
      st = await this.measure();
    }
    this.setAlarm('storage.low', st.freeBytes < lowBytes, () => {
      const pct = st.freePercent.toFixed(1);
      return `${pct} % free, below ${settings.lowFreePercent} %; case footage not yet offloaded is kept`;
    });
    const full = st.freeBytes < settings.reserveBytes;
    this.setAlarm('storage.full', full, () => `${bytesText(st.freeBytes)} free, below the ${bytesText(settings.reserveBytes)} reserve; ring shrunk so recording goes on`);
    if (full !== this.full) {
      this.full = full;
      const keep = full ? this.deps.segmentSeconds * 2 : this.deps.preRecordSeconds + this.deps.segmentSeconds * 2;
      await this.deps.journal.append(full ? 'storage.ring.shrunk' : 'storage.ring.restored', {
        keepSeconds: keep,
        backgroundBytes: full ? 0 : settings.backgroundBytes,
        freeBytes: st.freeBytes,
      });
    }
    this.last = { ...st, low: st.freeBytes < lowBytes, full: this.full, shrunk: this.full };
  }

  private async measure(): Promise<Omit<StorageStatus, 'low' | 'full' | 'shrunk'>> {
    const { ring, settings } = this.deps;
    const fs = await (this.deps.fsStats ?? defaultFsStats)(this.deps.evidenceDir);
    const ringBytes = ring.unsealedBytes();
    const backgroundBytes = sum(ring.background());
    const capacityBytes = settings.budgetBytes ?? fs.total;
    const freeBytes = settings.budgetBytes !== undefined ? Math.min(settings.budgetBytes - this.evidenceBytes - ringBytes, fs.free) : fs.free;
    const recent = ring.all().filter((e) => e.end !== undefined && e.end > this.deps.clock.now() - 60_000);
    const span = recent.length ? (Math.max(...recent.map((e) => e.end!)) - Math.min(...recent.map((e) => e.start))) / 1000 : 0;
    return {
      capacityBytes,
      freeBytes,
      freePercent: capacityBytes > 0 ? (Math.max(0, freeBytes) / capacityBytes) * 100 : 0,
      evidenceBytes: settings.budgetBytes !== undefined ? this.evidenceBytes : undefined,
      ringBytes,
      backgroundBytes,
      bytesPerSecond: span > 0 ? Math.round(sum(recent) / span) : 0,
    };
  }

  /**
   * Sealed footage retention may evict: first what no case claims, then offloaded case
   * footage; oldest first. A whole-table walk, so it runs only under pressure, and with a
   * plain parse: the rows picked are read and validated again before anything goes.
   */
  private async sealedCandidates(): Promise<Candidate[]> {
    const active = this.activeIds();
    const out: Candidate[] = [];
    for await (const [id, r] of this.deps.store.segmentRowsUnchecked()) {
      if (!r) continue;
      if (r.evictedAt !== undefined || !Array.isArray(r.caseIds) || typeof r.bytes !== 'number' || typeof r.start !== 'number') continue;
      if (!evictable(r as SegmentRecord, active)) continue;
      out.push({ id, start: r.start, bytes: r.bytes, rank: r.caseIds.length === 0 ? 0 : 1 });
    }
    return out.sort((a, b) => a.rank - b.rank || a.start - b.start);
  }

  private async evictRing(entries: RingEntry[], reason: string): Promise<void> {
    for (let i = 0; i < entries.length; i += EVICT_CHUNK) {
      const chunk = entries.slice(i, i + EVICT_CHUNK);
      const bytes = sum(chunk);
      await this.deps.journal.append('storage.evicted', {
        reason,
        kind: 'background',
        bytes,
        segments: chunk.map((e) => ({ id: e.id, channel: e.channel, start: e.start, end: e.end, bytes: e.bytes })),
      });
      await this.deps.ring.evicted(chunk);
      this.deps.log.info({ reason, segments: chunk.length, bytes }, 'background footage evicted');
      this.deps.bus.emit('storage.evicted', { kind: 'background', reason, segments: chunk.length, bytes, at: this.deps.clock.now() });
    }
  }

  private async evictSealed(picked: Candidate[], reason: string): Promise<void> {
    const { store, journal, clock, log, bus } = this.deps;
    for (let i = 0; i < picked.length; i += EVICT_CHUNK) {
      // Re-read each row: a claim may have filed it under a case since it was picked.
      const chunk: SegmentRecord[] = [];
      const active = this.activeIds();
      for (const p of picked.slice(i, i + EVICT_CHUNK)) {
        const r = await store.segments.get(p.id);
        if (r && r.evictedAt === undefined && evictable(r, active)) chunk.push(r);
      }
      if (chunk.length === 0) continue;
      const at = clock.now();
      const bytes = chunk.reduce((n, r) => n + r.bytes, 0);
      await journal.append(
        'storage.evicted',
        {
          reason,
          kind: 'sealed',
          bytes,
          segments: chunk.map((r) => ({
            id: r.id,
            channel: r.channel,
            file: r.file,
            start: r.start,
            end: r.end,
            bytes: r.bytes,
            sha256: r.sha256,
            caseIds: r.caseIds,
            offloadedAt: r.offloadedAt,
            offloadTarget: r.offloadTarget,
          })),
        },
        { caseIds: [...new Set(chunk.flatMap((r) => r.caseIds))], ops: chunk.map((r) => store.segments.putOp(r.id, { ...r, evictedAt: at })) },
      );
      for (const r of chunk) {
        await unlink(path.join(this.deps.evidenceDir, r.file)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') log.warn({ err, segment: r.id }, 'cannot delete evicted segment');
        });
      }
      this.evidenceBytes -= bytes;
      log.info({ reason, segments: chunk.length, bytes }, 'sealed footage evicted');
      bus.emit('storage.evicted', { kind: 'sealed', reason, segments: chunk.length, bytes, at });
    }
  }

  private activeIds(): Set<string> {
    return new Set(this.deps.sessions.activeCases().map((c) => c.id));
  }

  private setAlarm(kind: 'storage.low' | 'storage.full', on: boolean, message: () => string): void {
    if ((this.alarms.get(kind) ?? false) === on) return;
    this.alarms.set(kind, on);
    const at = this.deps.clock.now();
    this.deps.bus.emit(on ? 'alarm.raised' : 'alarm.cleared', { kind, subject: 'storage', message: on ? message() : 'enough free space again', at });
  }
}

/**
 * The one rule of what retention may delete: footage no case claims, or case footage
 * whose offload is confirmed and whose cases are all closed (`activeCaseIds`: open or closing).
 */
export function evictable(r: SegmentRecord, activeCaseIds: Set<string>): boolean {
  if (r.caseIds.length === 0) return true;
  return r.offloadedAt !== undefined && !r.caseIds.some((id) => activeCaseIds.has(id));
}

function bytesText(n: number): string {
  const v = Math.max(0, n);
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)} GB`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} MB`;
  return `${Math.round(v / 1e3)} kB`;
}

function sum(entries: Array<{ bytes?: number }>): number {
  return entries.reduce((n, e) => n + (e.bytes ?? 0), 0);
}
