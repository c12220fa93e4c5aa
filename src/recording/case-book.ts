/**
 * The case book: the cases still recording (open or closing), and the state queue on
 * which every change to them is decided by the case rules and carried out.
 *
 * Invariants:
 * - Case state changes run one at a time on `queue`, so they never interleave half-done
 *   (they are quick LevelDB writes; sealing has its own queue).
 * - A decision's case records are written in one batch with its journal entry, so the
 *   case file and the journal never disagree; the records in memory change only after
 *   that write succeeded, and are never changed in place (a new object per change), so
 *   a record handed out stays as it was.
 */
import type { JournalData } from '../evidence/journal-entries.js';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import type { Store } from '../store/store.js';
import type { CaseRecord } from '../store/records.js';
import type { Journal } from '../evidence/journal.js';
import type { ActiveCases, BusMessage, CaseDecision } from './case-rules.js';

export class CaseBook {
  /** The state queue. */
  readonly queue = new SerialQueue();
  private readonly active = new Map<string, CaseRecord>();

  constructor(private readonly deps: { store: Store; journal: Journal; bus: Bus; clock: Clock; log: Logger }) {}

  /** Load the cases a previous run left open or closing. */
  async load(): Promise<void> {
    for (const c of await this.deps.store.cases.values()) if (c.status !== 'closed') this.active.set(c.id, c);
  }

  get(id: string): CaseRecord | undefined {
    return this.active.get(id);
  }

  /** The active cases, as they are now (records are never changed in place). */
  cases(): ActiveCases {
    return this.active;
  }

  /** On the state queue: `decide` gets the active cases and the time, and its decision is carried out. */
  change<R>(decide: (active: ActiveCases, now: number) => CaseDecision<R> | Promise<CaseDecision<R>>): Promise<R> {
    return this.queue.run(async () => this.apply(await decide(this.active, this.deps.clock.now())));
  }

  /** Carry out a decision: one batch (records + journal entry), then memory, logs, events. Call on the queue. */
  async apply<R>(d: CaseDecision<R>): Promise<R> {
    const { store, journal, bus, log } = this.deps;
    // The rules build each entry's data for its type (journal-entries.ts); the union is not narrowed here.
    await journal.append(d.entry.type, d.entry.data as JournalData<typeof d.entry.type>, { caseIds: d.entry.caseIds, ops: d.records.map((c) => store.cases.putOp(c.id, c)) });
    for (const c of d.records) {
      if (c.status === 'closed') this.active.delete(c.id);
      else this.active.set(c.id, c);
    }
    for (const l of d.logs) log[l.level](l.fields, l.msg);
    for (const e of d.events) emit(bus, e);
    return d.result;
  }
}

function emit(bus: Bus, e: BusMessage): void {
  // The union pairs each name with its payload; TypeScript cannot follow that into emit's generic.
  bus.emit(e.name, e.payload);
}
