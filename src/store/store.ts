/**
 * The LevelDB layout, owned by this one module. Every other module reaches the
 * database through these tables.
 *
 * Layout (sublevel → key → value):
 *   meta          'meta'                      Meta            (schema version, clean stop, device meta)
 *   segments      segment id                  SegmentRecord   (sealed, durable evidence)
 *   ring          segment id                  RingRecord      (written, not yet sealed or aged out)
 *   cases         case id                     CaseRecord
 *   caseSegments  case id \0 segment id       CaseSegment     (case ids never contain \0)
 *   journal       seq, 16-digit zero-padded   JournalEntry    (hash-chained, append-only)
 *   journalHead   'head'                      JournalHead     (last entry, same batch as it)
 *   caseJournal   case id \0 seq              {seq}           (entries naming a case)
 *   outbox        seq, 16-digit zero-padded   OutboxItem      (MQTT messages awaiting PUBACK)
 *   gpsTrack      epoch ms, 15-digit padded   GpsFix          (1 Hz track)
 *
 * Segment ids are <channel>_<runId>_<index> with runId the epoch ms the run started,
 * so within a channel key order is time order (segmentsOverlapping relies on it).
 * Opening a store whose schema is older runs the steps in store-migrations.ts.
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import type { Logger } from '../core/logger.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { Table, type BatchOp, type StringSublevel } from './table.js';
import {
  CaseRecordSchema,
  CaseSegmentSchema,
  MetaSchema,
  RingRecordSchema,
  SCHEMA_VERSION,
  SegmentRecordSchema,
  type Meta,
} from './records.js';
import { CaseJournalSchema, JournalEntrySchema, JournalHeadSchema } from './journal-record.js';
import { migrate } from './store-migrations.js';
import type { SegmentRecord } from './records.js';
import { OutboxItemSchema } from './outbox-record.js';
import { GpsFixSchema, type GpsFix } from './gps-record.js';

/**
 * LevelDB's memory, set deliberately (it is resident for the life of the service, which
 * never restarts on a device): the defaults (8 MB block cache, 4 MB write buffer, which
 * LevelDB may hold twice while one is being flushed) are sized for databases far larger
 * than ours. The hot data is small and recent: open cases, the ring rows of the last
 * minutes, the outbox, the journal head; recent writes are read back from the write
 * buffer, not the cache. At 1–4 entries a second (~1 KB each) a 1 MB buffer flushes every
 * few minutes, so the smaller buffer costs no measurable write work, and a 2 MB cache
 * keeps the index and hot blocks. A cache that fills block by block over hours also
 * looks like a slow leak in a soak; capped small it levels off early.
 */
const LEVEL_MEMORY = { cacheSize: 2 * 1024 * 1024, writeBufferSize: 1024 * 1024 };

export class Store {
  readonly meta: Table<typeof MetaSchema>;
  readonly segments: Table<typeof SegmentRecordSchema>;
  readonly ring: Table<typeof RingRecordSchema>;
  readonly cases: Table<typeof CaseRecordSchema>;
  readonly caseSegments: Table<typeof CaseSegmentSchema>;
  readonly journal: Table<typeof JournalEntrySchema>;
  readonly journalHead: Table<typeof JournalHeadSchema>;
  readonly caseJournal: Table<typeof CaseJournalSchema>;
  readonly outbox: Table<typeof OutboxItemSchema>;
  readonly gpsTrack: Table<typeof GpsFixSchema>;
  /** Migration steps applied when this store was opened (journaled by the recorder). */
  migrations: Array<{ from: number; to: number; what: string }> = [];

  private constructor(
    readonly db: Level<string, string>,
    log: Logger,
  ) {
    const sub = (name: string) => db.sublevel<string, string>(name, { valueEncoding: 'utf8' }) as unknown as StringSublevel;
    this.meta = new Table('meta', sub('meta'), MetaSchema, log);
    this.segments = new Table('segments', sub('segments'), SegmentRecordSchema, log);
    this.ring = new Table('ring', sub('ring'), RingRecordSchema, log);
    this.cases = new Table('cases', sub('cases'), CaseRecordSchema, log);
    this.caseSegments = new Table('caseSegments', sub('caseSegments'), CaseSegmentSchema, log);
    this.journal = new Table('journal', sub('journal'), JournalEntrySchema, log);
    this.journalHead = new Table('journalHead', sub('journalHead'), JournalHeadSchema, log);
    this.caseJournal = new Table('caseJournal', sub('caseJournal'), CaseJournalSchema, log);
    this.outbox = new Table('outbox', sub('outbox'), OutboxItemSchema, log);
    this.gpsTrack = new Table('gpsTrack', sub('gpsTrack'), GpsFixSchema, log);
  }

  static async open(dir: string, log: Logger): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const db = new Level<string, string>(dir, { valueEncoding: 'utf8', ...LEVEL_MEMORY });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') throw new CasecamError('storage', `the database at ${dir} is in use by another casecam process (is the service running on this data directory?)`);
      throw new CasecamError('storage', `cannot open database at ${dir}: ${errorMessage(cause ?? err)}`);
    }
    const store = new Store(db, log);
    try {
      const meta = await store.meta.get('meta');
      if (!meta) await store.meta.put('meta', { schemaVersion: SCHEMA_VERSION, cleanShutdown: true });
      else if (meta.schemaVersion > SCHEMA_VERSION) {
        throw new CasecamError('storage', `database schema ${meta.schemaVersion} is newer than this casecam (${SCHEMA_VERSION})`);
      } else store.migrations = await migrate(store, meta.schemaVersion, log);
    } catch (err) {
      await db.close();
      throw err;
    }
    return store;
  }

  async getMeta(): Promise<Meta> {
    return (await this.meta.get('meta')) ?? { schemaVersion: SCHEMA_VERSION, cleanShutdown: true };
  }

  async setMeta(patch: Partial<Meta>): Promise<void> {
    await this.meta.put('meta', { ...(await this.getMeta()), ...patch });
  }

  // The operations carry their own sublevel, so one batch spans tables atomically.
  async batch(ops: BatchOp[]): Promise<void> {
    await this.db.batch(ops);
  }

  /** Sequence keys sort numerically as strings. */
  static seqKey(seq: number): string {
    return String(seq).padStart(16, '0');
  }

  static timeKey(ms: number): string {
    return String(Math.round(ms)).padStart(15, '0');
  }

  static caseSegmentKey(caseId: string, segmentId: string): string {
    return `${caseId}\u0000${segmentId}`;
  }

  static caseSegmentRange(caseId: string): { gte: string; lt: string } {
    return { gte: `${caseId}\u0000`, lt: `${caseId}\u0001` };
  }

  static caseJournalKey(caseId: string, seq: number): string {
    return `${caseId}\u0000${Store.seqKey(seq)}`;
  }

  static caseJournalRange(caseId: string): { gte: string; lt: string } {
    return Store.caseSegmentRange(caseId); // the same "<case id>\0…" key layout
  }

  /**
   * Sealed, not evicted segments of a channel overlapping [from, to), oldest first.
   * Walks the channel's keys backwards from the newest run that started before `to`
   * and stops at the first segment that ended before `from` (key order is time order).
   */
  async segmentsOverlapping(channel: string, from: number, to: number): Promise<SegmentRecord[]> {
    // '~' sorts after the digits and '_' of every id whose run started at or before `to`.
    const range = { gte: `${channel}_`, lte: `${channel}_${Math.floor(to)}_~`, reverse: true };
    const out: SegmentRecord[] = [];
    for await (const [key, raw] of this.segments.sub.iterator(range)) {
      const seg = this.segments.decode(key, raw);
      if (!seg) continue;
      if (seg.end <= from) break;
      if (seg.start < to && seg.evictedAt === undefined) out.push(seg);
    }
    return out.reverse();
  }

  /**
   * Every segment row with a plain JSON parse and no schema check: a whole-table walk kept
   * quick for counting and picking. `undefined` stands for a row that is not JSON. A caller
   * that acts on a row reads it again with `segments.get()`, which validates it.
   */
  async *segmentRowsUnchecked(): AsyncGenerator<[id: string, row: Partial<SegmentRecord> | undefined]> {
    for await (const [key, raw] of this.segments.sub.iterator()) {
      let row: Partial<SegmentRecord> | undefined;
      try {
        row = JSON.parse(raw) as Partial<SegmentRecord>;
      } catch {
        row = undefined;
      }
      yield [key, row];
    }
  }

  /** Whether a segment has a row at all, even one that fails its schema. */
  async segmentRowExists(id: string): Promise<boolean> {
    return (await this.segments.sub.get(id)) !== undefined;
  }

  /**
   * Journal entries as stored (the exact bytes that were hashed), in sequence order, with
   * their keys: what verification and `journal list` read, damaged entries included.
   */
  journalRows(range: { reverse?: boolean; limit?: number } = {}): AsyncIterable<[key: string, raw: string]> {
    return this.journal.sub.iterator(range);
  }

  /** The GPS track within [from, to] (ms), in time order. */
  async gpsFixes(from: number, to: number): Promise<GpsFix[]> {
    return this.gpsTrack.values({ gte: Store.timeKey(from), lt: Store.timeKey(to + 1) });
  }

  async putGpsFix(fix: GpsFix): Promise<void> {
    await this.gpsTrack.put(Store.timeKey(fix.at), fix);
  }

  /** Delete the GPS track within [from, to) (ms); returns how many fixes went. */
  async deleteGpsFixes(from: number, to: number): Promise<number> {
    const range = { gte: Store.timeKey(from), lt: Store.timeKey(to) };
    let count = 0;
    for await (const _key of this.gpsTrack.sub.keys(range)) count++;
    await this.gpsTrack.sub.clear(range);
    return count;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
