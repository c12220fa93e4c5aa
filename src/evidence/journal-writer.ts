/**
 * Journals what the rest of the service reports on the bus and that no evidence write
 * already journals: alarms raised and cleared, operator actions. Keeps the GPS track
 * (one fix per second at most) for case files.
 *
 * Case changes, gaps, seals, links, claims, evictions and offload marks are not
 * journaled here: they are written in one batch with their state (see journal.ts).
 */
import type { Bus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import type { AlarmEvent, GpsFixEvent } from '../core/events.js';
import { Store } from '../store/store.js';
import type { Journal } from './journal.js';

export class JournalWriter {
  private readonly unsubscribe: Array<() => void> = [];
  private lastFixAt = -Infinity;

  constructor(
    private readonly deps: { bus: Bus; journal: Journal; store: Store; log: Logger },
  ) {}

  start(): void {
    const { bus, journal } = this.deps;
    const alarm = (type: string) => (a: AlarmEvent) => journal.append(type, { ...a }).then(() => undefined);
    this.unsubscribe.push(
      bus.on('alarm.raised', alarm('alarm.raised')),
      bus.on('alarm.cleared', alarm('alarm.cleared')),
      bus.on('operator.action', async (a) => {
        await journal.append('operator.action', { ...a }, { caseIds: a.caseId !== undefined ? [a.caseId] : [] });
      }),
      bus.on('gps.fix', (fix) => this.onFix(fix)),
    );
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.deps.journal.idle();
  }

  private async onFix(fix: GpsFixEvent): Promise<void> {
    if (fix.at - this.lastFixAt < 900) return;
    this.lastFixAt = fix.at;
    await this.deps.store.gpsTrack.put(Store.timeKey(fix.at), { ...fix });
  }
}
