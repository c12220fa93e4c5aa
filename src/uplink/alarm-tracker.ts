/**
 * The set of active alarms, from `alarm.raised` / `alarm.cleared` on the bus. One
 * alarm per kind and subject: raising it again updates it, clearing removes it.
 */
import type { Bus } from '../core/bus.js';
import type { AlarmEvent } from '../core/events.js';

export class AlarmTracker {
  private readonly active = new Map<string, AlarmEvent>();
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    this.off.push(
      this.bus.on('alarm.raised', (a) => {
        this.active.set(key(a), { ...a });
        this.onChange();
      }),
      this.bus.on('alarm.cleared', (a) => {
        if (this.active.delete(key(a))) this.onChange();
      }),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  list(): AlarmEvent[] {
    return [...this.active.values()];
  }
}

const key = (a: AlarmEvent) => `${a.kind}\u0000${a.subject}`;
