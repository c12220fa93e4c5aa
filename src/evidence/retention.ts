/**
 * Retention under a storage budget. Every `checkSeconds` one pass, on the seal queue it
 * shares with the case sessions (so it never drops or evicts what a claim is sealing or
 * linking):
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
 * - Ring footage inside the window of a case still recording (open or closing) is kept.
 * - Case footage that is not confirmed offloaded is never evicted, nor footage of a case
 *   still open or closing, offloaded or not (src/evidence/sealed-eviction.ts).
 * - Nothing is evicted without a `storage.evicted` journal entry written first; for
 *   sealed footage the entry and the rows' `evictedAt` are one batch. A crash before the
 *   files are gone is finished by recovery.
 *
 * Retention knows of the cases only their windows (`cases`, a small interface the
 * composition root fills from the case sessions); it never calls into the sessions.
 */
import { statfs } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { SerialQueue } from '../core/serial-queue.js';
import { overlapsWindow, type CaseWindow } from '../core/case-window.js';
import type { StorageConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { Ring, RingEntry } from '../media/ring.js';
import type { Journal } from './journal.js';
import { EvidenceBytes } from './evidence-bytes.js';
import { EVICT_CHUNK, evictSealed, sealedCandidates, type Candidate } from './sealed-eviction.js';

export { evictable } from './sealed-eviction.js';

/** The cases retention must respect: the windows of those still recording (open or closing). */
export interface ActiveCaseWindows {
  windows(): readonly CaseWindow[];
}

export interface RetentionDeps {
  store: Store;
  journal: Journal;
  ring: Ring;
  bus: Bus;
  clock: Clock;
  log: Logger;
  cases: ActiveCaseWindows;
  /** The queue sealing runs on: a pass runs there too, never beside a seal or a link. */
  sealQueue: SerialQueue;
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

async function defaultFsStats(dir: string): Promise<{ total: number; free: number }> {
  const s = await statfs(dir);
  return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
}

export class Retention {
  private readonly evidence: EvidenceBytes;
  /** Under a budget: the count of evidence bytes at start, done before the first pass. */
  private counted: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly alarms = new Map<string, boolean>();
  /** Storage full: the ring is shrunk. */
  private full = false;
  /** Whether a scan of sealed rows may find evictable ones (reset by seals and offloads). */
  private sealedMayBeEvictable = true;
  private readonly unsubscribe: Array<() => void> = [];
  private last: StorageStatus | undefined;

  constructor(private readonly deps: RetentionDeps) {
    this.evidence = new EvidenceBytes(deps.store, deps.log);
  }

  /**
   * Run a pass every `checkSeconds`. Under a budget, the evidence bytes are counted first,
   * in the background (the first pass waits for it): a store of 250 000 segments takes
   * seconds to scan, and recording must not wait for that.
   */
  async start(): Promise<void> {
    const { bus, settings } = this.deps;
    this.unsubscribe.push(
      bus.on('segment.sealed', (e) => {
        this.evidence.sealed(e.segmentId, e.bytes);
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
    if (settings.budgetBytes !== undefined) this.counted = this.evidence.count().catch((err: unknown) => this.deps.log.error({ err }, 'cannot count the evidence bytes'));
    this.timer = setInterval(() => void this.pass(), settings.checkSeconds * 1000);
    this.timer.unref();
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
    this.running ??= this.deps.sealQueue
      .run(() => this.run())
      .catch((err: unknown) => this.deps.log.error({ err }, 'retention pass failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(): Promise<void> {
    await this.counted;
    const { ring, settings, clock, cases } = this.deps;
    const shrunk = this.full;
    const keepSeconds = shrunk ? this.deps.segmentSeconds * 2 : this.deps.preRecordSeconds + this.deps.segmentSeconds * 2;
    for (const e of ring.aged(clock.now() - keepSeconds * 1000, (e) => cases.windows().some((w) => overlapsWindow(e, w)))) {
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
        const candidates = await sealedCandidates(this.deps.store, this.activeIds());
        if (candidates.length === 0) this.sealedMayBeEvictable = false;
        for (const r of candidates) {
          if (need <= 0) break;
          picked.push(r);
          need -= r.bytes;
        }
        await evictSealed(this.deps, picked, 'storage low', () => this.activeIds(), (bytes) => this.evidence.evicted(bytes));
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
    const freeBytes = settings.budgetBytes !== undefined ? Math.min(settings.budgetBytes - this.evidence.total - ringBytes, fs.free) : fs.free;
    const recent = ring.all().filter((e) => e.end !== undefined && e.end > this.deps.clock.now() - 60_000);
    const span = recent.length ? (Math.max(...recent.map((e) => e.end!)) - Math.min(...recent.map((e) => e.start))) / 1000 : 0;
    return {
      capacityBytes,
      freeBytes,
      freePercent: capacityBytes > 0 ? (Math.max(0, freeBytes) / capacityBytes) * 100 : 0,
      evidenceBytes: settings.budgetBytes !== undefined ? this.evidence.total : undefined,
      ringBytes,
      backgroundBytes,
      bytesPerSecond: span > 0 ? Math.round(sum(recent) / span) : 0,
    };
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

  private activeIds(): Set<string> {
    return new Set(this.deps.cases.windows().map((c) => c.id));
  }

  private setAlarm(kind: 'storage.low' | 'storage.full', on: boolean, message: () => string): void {
    if ((this.alarms.get(kind) ?? false) === on) return;
    this.alarms.set(kind, on);
    const at = this.deps.clock.now();
    this.deps.bus.emit(on ? 'alarm.raised' : 'alarm.cleared', { kind, subject: 'storage', message: on ? message() : 'enough free space again', at });
  }
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
