/**
 * Puts alarms into the timeline of every case they touch: each `alarm.raised` and
 * `alarm.cleared` is journaled as a `case.alarm` entry indexed under every active case
 * (open, or closing within its post-record time), and an alarm still raised when a case
 * opens is journaled under that case at once, with the time it was raised. The case's
 * quality report (quality-report.ts) reads its alarm intervals from these entries, and
 * they travel in the bundle's manifest with the rest of the case's journal.
 *
 * A new case also gets a `case.quality.context` entry (channels, watermark, media health).
 *
 * (The device-wide `alarm.raised`/`alarm.cleared` entries stay as they are; this adds
 * the per-case index the case timeline needs.)
 */
import type { JournalData } from '../evidence/journal-entries.js';
import type { Bus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import type { AlarmEvent } from '../core/events.js';
import type { Journal } from '../evidence/journal.js';

export interface CaseAlarmLogDeps {
  bus: Bus;
  log: Logger;
  /** The journal (already open: the composition root opens evidence before building this). */
  journal: Journal;
  /** IDs of the cases whose window is still running (open or closing). */
  activeCaseIds: () => string[];
  /**
   * What the quality report needs to know about how the case is recorded, journaled
   * under each new case as `case.quality.context`: the channels, and whether each burns
   * the watermark in and measures media health.
   */
  context?: () => Promise<JournalData<'case.quality.context'>>;
}

export interface CaseAlarmEntry {
  state: 'raised' | 'cleared';
  kind: string;
  subject: string;
  message: string;
  at: number;
}

export class CaseAlarmLog {
  readonly name = 'case-alarm-log';
  private readonly active = new Map<string, AlarmEvent>();
  private readonly off: Array<() => void> = [];

  constructor(private readonly deps: CaseAlarmLogDeps) {}

  start(): void {
    const { bus } = this.deps;
    this.off.push(
      bus.on('alarm.raised', (a) => {
        this.active.set(key(a), { ...a });
        return this.append({ state: 'raised', ...pick(a) }, this.deps.activeCaseIds());
      }),
      bus.on('alarm.cleared', (a) => {
        const raised = this.active.get(key(a));
        this.active.delete(key(a));
        // An alarm cleared that was never raised here (e.g. video.lost cleared at start) has no interval.
        if (raised) return this.append({ state: 'cleared', ...pick(a) }, this.deps.activeCaseIds());
      }),
      bus.on('case.opened', async (c) => {
        if (this.deps.context) await this.deps.journal.append('case.quality.context', await this.deps.context(), { caseIds: [c.caseId] });
        for (const a of this.active.values()) await this.append({ state: 'raised', ...pick(a) }, [c.caseId]);
      }),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  private async append(entry: CaseAlarmEntry, caseIds: string[]): Promise<void> {
    if (caseIds.length === 0) return;
    await this.deps.journal.append('case.alarm', { ...entry }, { caseIds });
  }
}

const key = (a: AlarmEvent) => `${a.kind}\u0000${a.subject}`;
const pick = (a: AlarmEvent) => ({ kind: a.kind, subject: a.subject, message: a.message, at: a.at });
