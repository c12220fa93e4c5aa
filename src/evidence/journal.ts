/**
 * The journal: append-only, hash-chained entries in LevelDB.
 *
 * Invariants:
 * - Entries are appended one at a time (an internal queue); entry n carries the hash of
 *   entry n−1 (64 zeros for entry 0) and its own hash (journal-hash.ts).
 * - An entry, its per-case index rows, the head anchor and the state change it records
 *   (the caller's `ops`) are written in one LevelDB batch: the state never exists
 *   without its entry, nor the entry without the state.
 * - Nothing here rewrites or deletes an entry. A changed, deleted or reordered entry
 *   shows in `verifyJournal`: a hash that does not recompute, a hole in the sequence, a
 *   link to the wrong predecessor, or an end that disagrees with the head anchor.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import { Store } from '../store/store.js';
import type { JournalEntry, JournalHead } from '../store/journal-record.js';
import type { BatchOp } from '../store/table.js';
import { GENESIS_HASH, entryHash, sha256Hex } from './journal-hash.js';
import type { JournalData, JournalEntryType } from './journal-entries.js';

export interface AppendOptions {
  /** Cases the entry is about; it is indexed under each. */
  caseIds?: string[];
  /** State changes written in the same batch as the entry (Table.putOp/delOp). */
  ops?: BatchOp[];
}

export class Journal {
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private nextSeq: number,
    private headHash: string,
    /** What was wrong with the journal's end when it was opened (empty when sound). */
    readonly openProblems: string[],
  ) {}

  static async open(store: Store, clock: Clock, log: Logger): Promise<Journal> {
    const problems: string[] = [];
    let nextSeq = 0;
    let headHash = GENESIS_HASH;
    for await (const [key, raw] of store.journalRows({ reverse: true, limit: 1 })) {
      nextSeq = Number(key) + 1;
      const entry = store.journal.decode(key, raw);
      if (entry && entry.seq === Number(key) && entryHash(JSON.parse(raw) as Record<string, unknown>) === entry.hash) headHash = entry.hash;
      else {
        // Chain on from the stored bytes, so the damage stays visible and nothing is overwritten.
        headHash = sha256Hex(raw);
        problems.push(`the last journal entry (${Number(key)}) is damaged`);
      }
    }
    const anchor = await store.journalHead.get('head');
    if (anchor && nextSeq === 0) {
      problems.push(`the journal is empty but its head anchor names entry ${anchor.seq}`);
    } else if (anchor && anchor.seq !== nextSeq - 1) {
      problems.push(`the journal ends at entry ${nextSeq - 1} but its head anchor names entry ${anchor.seq}`);
    } else if (anchor && nextSeq > 0 && anchor.hash !== headHash) {
      problems.push(`the last journal entry (${anchor.seq}) differs from its head anchor`);
    }
    if (problems.length) log.error({ problems }, 'journal damaged');
    return new Journal(store, clock, nextSeq, headHash, problems);
  }

  head(): { seq: number; hash: string } | undefined {
    return this.nextSeq === 0 ? undefined : { seq: this.nextSeq - 1, hash: this.headHash };
  }

  /** Append an entry of a type from the map in journal-entries.ts, with its data. */
  append<K extends JournalEntryType>(type: K, data: JournalData<K>, opts: AppendOptions = {}): Promise<JournalEntry> {
    return this.queue.run(() => this.write(type, data as Record<string, unknown>, opts));
  }

  /** Resolves when every append queued so far is written. */
  async idle(): Promise<void> {
    await this.queue.settled();
  }

  private async write(type: string, data: Record<string, unknown>, opts: AppendOptions): Promise<JournalEntry> {
    const { store } = this;
    const caseIds = [...new Set(opts.caseIds ?? [])];
    const body = {
      seq: this.nextSeq,
      at: this.clock.now(),
      type,
      ...(caseIds.length ? { caseIds } : {}),
      // What is hashed must be what is stored: JSON drops undefined and non-JSON values.
      data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
      prevHash: this.headHash,
    };
    const entry: JournalEntry = { ...body, hash: entryHash(body) };
    const head: JournalHead = { seq: entry.seq, hash: entry.hash, at: entry.at };
    await store.batch([
      store.journal.putOp(Store.seqKey(entry.seq), entry),
      store.journalHead.putOp('head', head),
      ...caseIds.map((id) => store.caseJournal.putOp(Store.caseJournalKey(id, entry.seq), { seq: entry.seq })),
      ...(opts.ops ?? []),
    ]);
    this.nextSeq = entry.seq + 1;
    this.headHash = entry.hash;
    return entry;
  }

  /** Every entry that names the case, in order. */
  async forCase(caseId: string): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for (const { seq } of await this.store.caseJournal.values(Store.caseJournalRange(caseId))) {
      const e = await this.store.journal.get(Store.seqKey(seq));
      if (e) out.push(e);
    }
    return out;
  }
}

export interface JournalCheck {
  ok: boolean;
  entries: number;
  head?: { seq: number; hash: string };
  problems: string[];
}

/** Walk the whole chain from entry 0 and say what, if anything, was changed, removed or moved. */
export async function verifyJournal(store: Store, maxProblems = 50): Promise<JournalCheck> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  let expectSeq = 0;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for await (const [key, raw] of store.journalRows()) {
    entries++;
    const keySeq = Number(key);
    if (keySeq !== expectSeq) {
      note(keySeq > expectSeq ? `entries ${expectSeq}–${keySeq - 1} are missing` : `entry key ${key} is out of sequence`);
    }
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      note(`entry ${keySeq} is not JSON`);
      expectSeq = keySeq + 1;
      prevHash = sha256Hex(raw);
      continue;
    }
    const entry = store.journal.decode(key, raw);
    if (!entry) note(`entry ${keySeq} does not have the shape of a journal entry`);
    if (obj.seq !== keySeq) note(`entry stored as ${keySeq} says it is ${String(obj.seq)} (moved or reordered)`);
    if (obj.prevHash !== prevHash) note(`entry ${keySeq} does not follow entry ${keySeq - 1} (an entry before it was changed, removed or reordered)`);
    if (entryHash(obj) !== obj.hash) note(`entry ${keySeq} was changed after it was written (its hash does not recompute)`);
    prevHash = typeof obj.hash === 'string' ? obj.hash : sha256Hex(raw);
    expectSeq = keySeq + 1;
  }
  const anchor = await store.journalHead.get('head');
  const last = expectSeq - 1;
  if (anchor && anchor.seq !== last) {
    note(anchor.seq > last ? `entries ${last + 1}–${anchor.seq} were removed from the end (the head anchor names ${anchor.seq})` : `the head anchor names entry ${anchor.seq} but the journal goes on to ${last}`);
  } else if (anchor && anchor.hash !== prevHash) note(`the last entry (${last}) differs from the head anchor`);
  else if (!anchor && entries > 0) note('the journal has entries but no head anchor');
  return { ok: problems.length === 0, entries, head: entries ? { seq: last, hash: prevHash } : undefined, problems };
}
