/**
 * The durable outbox in front of the MQTT client: every event, health report and
 * command reply is written to LevelDB first and deleted only when the broker
 * acknowledged it (PUBACK).
 *
 * Invariants:
 * - Items leave in `seq` order. Up to `window` are in flight at once (MQTT keeps
 *   the order of one connection); when the connection drops, sending restarts at the
 *   lowest unacknowledged seq, so a message can arrive twice but never out of order
 *   among first deliveries, and none is lost. Consumers de-duplicate on `seq`/`id`.
 * - Bounded by bytes and age. When over a bound, the oldest `telemetry` goes first,
 *   then the oldest `normal`; `critical` (case and alarm events) is never dropped,
 *   even if that means going over the bound. Every drop is counted and reported.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import type { Table } from '../store/table.js';
import { Store } from '../store/store.js';
import { OutboxItemSchema, type OutboxItem } from '../store/outbox-record.js';

const READ_AHEAD = 500;

export type Priority = OutboxItem['priority'];
export type NewItem = Omit<OutboxItem, 'seq' | 'at'>;
/** Publishes one item; resolves on the broker's acknowledgement, rejects when the connection is lost. */
export type Sender = (item: OutboxItem) => Promise<void>;

export interface OutboxLimits {
  maxBytes: number;
  maxAgeMs: number;
  window: number;
}

interface IndexEntry {
  seq: number;
  at: number;
  bytes: number;
  priority: Priority;
}

export interface DropReport {
  priority: Priority;
  count: number;
  bytes: number;
  oldestAt: number;
  newestAt: number;
  why: 'bytes' | 'age';
}

export class Outbox {
  /** Every stored item in seq order (small: no payloads). */
  private index: IndexEntry[] = [];
  /** Seqs still stored (not acknowledged, not dropped). */
  private readonly live = new Set<number>();
  /** Items read ahead from LevelDB, from `cursor` on, in seq order (one read serves many sends). */
  private ahead: OutboxItem[] = [];
  private totalBytes = 0;
  private nextSeq = 0;
  private sender: Sender | undefined;
  /** Next seq to send; everything below it is in flight or acknowledged. */
  private cursor = 0;
  private inFlight = new Set<number>();
  private pumping = false;
  private generation = 0;
  private acked: number[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** LevelDB writes and deletes, in order: items land (and become sendable) strictly in seq order. */
  private readonly writes = new SerialQueue();
  readonly dropped = { telemetry: 0, normal: 0 };
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: {
      table: Table<typeof OutboxItemSchema>;
      clock: Clock;
      log: Logger;
      limits: OutboxLimits;
      /** Told about every drop, after the fact (the uplink reports it as an event). */
      onDrop?: (report: DropReport) => void;
    },
  ) {}

  async start(): Promise<void> {
    this.index = [];
    this.live.clear();
    this.totalBytes = 0;
    for (const item of await this.deps.table.values()) this.remember(item);
    const last = this.index[this.index.length - 1];
    this.nextSeq = last ? last.seq + 1 : 0;
    this.cursor = this.index[0]?.seq ?? this.nextSeq;
    if (this.index.length) this.deps.log.info({ depth: this.index.length, bytes: this.totalBytes }, 'outbox backlog loaded');
  }

  async stop(): Promise<void> {
    this.detach();
    await this.flushAcks();
    await this.writes.settled();
  }

  depth(): number {
    return this.index.length;
  }

  bytes(): number {
    return this.totalBytes;
  }

  /** Store an item durably; resolves once it is on disk. `build` gets the seq so payloads can carry it. */
  async enqueue(item: NewItem | ((seq: number) => NewItem)): Promise<number> {
    const seq = this.nextSeq++;
    const body = typeof item === 'function' ? item(seq) : item;
    const full: OutboxItem = { ...body, seq, at: this.deps.clock.now() };
    const write = this.writes.run(async () => {
      await this.deps.table.put(Store.seqKey(seq), full);
      this.remember(full);
      this.enforceBounds();
      this.pump();
    });
    write.catch((err: unknown) => this.deps.log.error({ err, seq }, 'outbox write failed'));
    await write;
    return seq;
  }

  /** Start sending through `sender` (on connect). */
  attach(sender: Sender): void {
    this.generation++;
    this.sender = sender;
    this.inFlight.clear();
    this.ahead = [];
    this.cursor = this.index[0]?.seq ?? this.nextSeq;
    this.pump();
  }

  /** Stop sending (on disconnect); unacknowledged items will be sent again on the next attach. */
  detach(): void {
    this.generation++;
    this.sender = undefined;
    this.inFlight.clear();
    this.ahead = [];
  }

  /** Resolves when nothing is waiting (for tests and benchmarks). */
  drained(): Promise<void> {
    if (this.index.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private remember(item: OutboxItem): void {
    const bytes = item.payload.length + item.topic.length + 64;
    this.index.push({ seq: item.seq, at: item.at, bytes, priority: item.priority });
    this.live.add(item.seq);
    this.totalBytes += bytes;
  }

  private enforceBounds(): void {
    const { limits } = this.deps;
    const now = this.deps.clock.now();
    const drop = (victims: IndexEntry[], why: DropReport['why']) => {
      if (!victims.length) return;
      const gone = new Set(victims.map((v) => v.seq));
      this.index = this.index.filter((e) => !gone.has(e.seq));
      for (const seq of gone) this.live.delete(seq);
      for (const p of ['telemetry', 'normal'] as const) {
        const mine = victims.filter((v) => v.priority === p);
        if (!mine.length) continue;
        const bytes = mine.reduce((n, v) => n + v.bytes, 0);
        this.totalBytes -= bytes;
        this.dropped[p] += mine.length;
        const report = { priority: p, count: mine.length, bytes, oldestAt: mine[0]!.at, newestAt: mine[mine.length - 1]!.at, why };
        this.deps.log.warn(report, 'outbox full: dropped messages');
        this.deps.onDrop?.(report);
      }
      void this.deleteKeys(victims.map((v) => v.seq), 'outbox drop failed'); // logs its own failure
    };
    drop(this.index.filter((e) => e.priority !== 'critical' && now - e.at > limits.maxAgeMs && !this.inFlight.has(e.seq)), 'age');
    for (const p of ['telemetry', 'normal'] as const) {
      if (this.totalBytes <= limits.maxBytes) break;
      const victims: IndexEntry[] = [];
      let excess = this.totalBytes - limits.maxBytes;
      for (const e of this.index) {
        if (excess <= 0) break;
        if (e.priority !== p || this.inFlight.has(e.seq)) continue;
        victims.push(e);
        excess -= e.bytes;
      }
      drop(victims, 'bytes');
    }
  }

  /** Send what the window allows, reading ahead from LevelDB in seq order. */
  private pump(): void {
    if (this.pumping || !this.sender) return;
    this.pumping = true;
    const gen = this.generation;
    let failed = false;
    void this.pumpLoop(gen)
      .catch((err: unknown) => {
        // A failed read must not kill the service: log it and try again a little later.
        this.deps.log.error({ err }, 'outbox read failed');
        failed = true;
      })
      .finally(() => {
        this.pumping = false;
        if (failed) setTimeout(() => this.pump(), 1000).unref();
        else if (this.wantsMore()) this.pump();
      });
  }

  private wantsMore(): boolean {
    const last = this.index[this.index.length - 1];
    return !!this.sender && !!last && this.cursor <= last.seq && this.inFlight.size < this.deps.limits.window;
  }

  private async pumpLoop(gen: number): Promise<void> {
    while (gen === this.generation && this.wantsMore()) {
      if (!this.ahead.length) {
        const batch = await this.deps.table.values({ gte: Store.seqKey(this.cursor), limit: READ_AHEAD });
        if (gen !== this.generation) return;
        const last = this.index[this.index.length - 1]?.seq ?? -1;
        // Only what enqueue() has finished with: later seqs are not yet in the index.
        this.ahead = batch.filter((item) => item.seq <= last).reverse();
        if (!this.ahead.length) return;
      }
      const item = this.ahead.pop()!;
      this.cursor = item.seq + 1;
      if (!this.live.has(item.seq)) continue; // dropped since it was read
      this.inFlight.add(item.seq);
      const sender = this.sender!;
      sender(item).then(
        () => this.onAck(gen, item.seq),
        () => this.onFail(gen),
      );
    }
  }

  private onAck(gen: number, seq: number): void {
    if (gen !== this.generation) return;
    this.inFlight.delete(seq);
    this.acked.push(seq);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flushAcks(), 5);
    this.pump();
  }

  private onFail(gen: number): void {
    if (gen !== this.generation) return;
    // The connection is gone: everything in flight goes again, in order, on the next attach.
    this.detach();
  }

  private deleteKeys(seqs: number[], what: string): Promise<unknown> {
    const keys = seqs.map((s) => Store.seqKey(s));
    const { table } = this.deps;
    return this.writes.run(() => table.delMany(keys)).catch((err: unknown) => this.deps.log.error({ err }, what));
  }

  /** Delete acknowledged items in one batch (keeps the drain rate up). */
  private async flushAcks(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const seqs = this.acked.splice(0);
    if (!seqs.length) return;
    const gone = new Set(seqs);
    for (const seq of seqs) this.live.delete(seq);
    let bytes = 0;
    this.index = this.index.filter((e) => {
      if (!gone.has(e.seq)) return true;
      bytes += e.bytes;
      return false;
    });
    this.totalBytes -= bytes;
    await this.deleteKeys(seqs, 'outbox delete failed');
    if (this.index.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
