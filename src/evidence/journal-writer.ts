/**
 * Journals what the rest of the service reports on the bus and that no evidence write
 * already journals: alarms raised and cleared, operator actions.
 *
 * Case changes, gaps, seals, links, claims, evictions and offload marks are not
 * journaled here: they are written in one batch with their state (see journal.ts).
 */
import type { Bus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import type { AlarmEvent } from '../core/events.js';
import type { Journal } from './journal.js';

export class JournalWriter {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: { bus: Bus; journal: Journal; log: Logger }) {}

  start(): void {
    const { bus, journal } = this.deps;
    const alarm = (type: 'alarm.raised' | 'alarm.cleared') => (a: AlarmEvent) => journal.append(type, { ...a }).then(() => undefined);
    this.unsubscribe.push(
      bus.on('alarm.raised', alarm('alarm.raised')),
      bus.on('alarm.cleared', alarm('alarm.cleared')),
      bus.on('operator.action', async (a) => {
        await journal.append('operator.action', { ...a }, { caseIds: a.caseId !== undefined ? [a.caseId] : [] });
      }),
    );
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.deps.journal.idle();
  }
}
