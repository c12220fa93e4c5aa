/**
 * The LevelDB layout, owned by this one module. Every other module reaches the
 * database through these tables.
 *
 * Layout (sublevel → key → value):
 *   meta          'meta'                      Meta
 *   segments      segment id                  SegmentRecord   (sealed, durable evidence)
 *   ring          segment id                  RingRecord      (written, not yet sealed or aged out)
 *   cases         case id                     CaseRecord
 *   caseSegments  case id \0 segment id       CaseSegment     (case ids never contain \0)
 *   journal       seq, 16-digit zero-padded   JournalEntry    (hash-chained, append-only)
 *   outbox        seq, 16-digit zero-padded   OutboxItem      (MQTT messages awaiting PUBACK)
 *   gpsTrack      epoch ms, 15-digit padded   GpsFix          (1 Hz track)
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import type { Logger } from '../core/logger.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { Table, type StringSublevel } from './table.js';
import {
  CaseRecordSchema,
  CaseSegmentSchema,
  MetaSchema,
  RingRecordSchema,
  SCHEMA_VERSION,
  SegmentRecordSchema,
  type Meta,
} from './records.js';
import { JournalEntrySchema } from './journal-record.js';
import { OutboxItemSchema } from './outbox-record.js';
import { GpsFixSchema } from './gps-record.js';

export class Store {
  readonly meta: Table<typeof MetaSchema>;
  readonly segments: Table<typeof SegmentRecordSchema>;
  readonly ring: Table<typeof RingRecordSchema>;
  readonly cases: Table<typeof CaseRecordSchema>;
  readonly caseSegments: Table<typeof CaseSegmentSchema>;
  readonly journal: Table<typeof JournalEntrySchema>;
  readonly outbox: Table<typeof OutboxItemSchema>;
  readonly gpsTrack: Table<typeof GpsFixSchema>;

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
    this.outbox = new Table('outbox', sub('outbox'), OutboxItemSchema, log);
    this.gpsTrack = new Table('gpsTrack', sub('gpsTrack'), GpsFixSchema, log);
  }

  static async open(dir: string, log: Logger): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      throw new CasecamError('storage', `cannot open database at ${dir}: ${errorMessage(cause ?? err)}`);
    }
    const store = new Store(db, log);
    await store.migrate();
    return store;
  }

  /** Schema version check; future versions add their migration steps here. */
  private async migrate(): Promise<void> {
    const meta = await this.meta.get('meta');
    if (!meta) {
      await this.meta.put('meta', { schemaVersion: SCHEMA_VERSION, cleanShutdown: true });
      return;
    }
    if (meta.schemaVersion > SCHEMA_VERSION) {
      throw new CasecamError('storage', `database schema ${meta.schemaVersion} is newer than this casecam (${SCHEMA_VERSION})`);
    }
  }

  async getMeta(): Promise<Meta> {
    return (await this.meta.get('meta')) ?? { schemaVersion: SCHEMA_VERSION, cleanShutdown: true };
  }

  async setMeta(patch: Partial<Meta>): Promise<void> {
    await this.meta.put('meta', { ...(await this.getMeta()), ...patch });
  }

  // The operations carry their own sublevel, so one batch spans tables atomically.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async batch(ops: any[]): Promise<void> {
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

  async close(): Promise<void> {
    await this.db.close();
  }
}
