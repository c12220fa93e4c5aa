/**
 * The set of active alarms, from `alarm.raised` / `alarm.cleared` on the bus. One
 * alarm per kind and subject: raising it again updates it, clearing removes it.
 *
 * Invariants (anyone allowed to send `alarm` commands can invent kinds without end):
 * - At most MAX_TRACKED operator alarms of kinds outside KNOWN_OPERATOR_KINDS are kept;
 *   one raised beyond that is counted, not kept (its `alarm.raised` event is still
 *   published on `events`). The device's own alarms and the known kinds are always kept:
 *   there are only so many of them. Messages are cut to MAX_MESSAGE characters.
 * - `list()` (what `health` carries) holds at most MAX_LISTED alarms: the device's own
 *   alarms and the known operator kinds first, then the oldest; when more are active,
 *   one more entry of kind `alarms.more` says how many were left out.
 */
import type { Bus } from '../core/bus.js';
import type { AlarmEvent } from '../core/events.js';

export const MAX_LISTED = 20;
const MAX_TRACKED = 1000;
const MAX_MESSAGE = 200;
/** Operator alarms that matter most to a commander; listed before any invented kind. */
export const KNOWN_OPERATOR_KINDS = ['emergency', 'violent-resistance', 'officer-down', 'assistance'];

export class AlarmTracker {
  private readonly active = new Map<string, AlarmEvent>();
  /** Raised while the set was full: counted in the summary, not kept. */
  private untracked = 0;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    this.off.push(
      this.bus.on('alarm.raised', (a) => {
        const k = key(a);
        if (rank(a) === 2 && !this.active.has(k) && this.invented() >= MAX_TRACKED) {
          this.untracked++;
          return;
        }
        this.active.set(k, { ...a, message: a.message.slice(0, MAX_MESSAGE) });
        this.onChange();
      }),
      this.bus.on('alarm.cleared', (a) => {
        if (this.active.delete(key(a))) this.onChange();
        // Not kept, so not known: assume it was one of those counted (the count stays an estimate).
        else if (rank(a) === 2 && this.untracked > 0) {
          this.untracked--;
          this.onChange();
        }
      }),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  private invented(): number {
    let n = 0;
    for (const a of this.active.values()) if (rank(a) === 2) n++;
    return n;
  }

  list(): AlarmEvent[] {
    const all = [...this.active.values()].sort((a, b) => rank(a) - rank(b) || a.at - b.at);
    if (all.length <= MAX_LISTED && this.untracked === 0) return all;
    const shown = all.slice(0, MAX_LISTED);
    const more = all.length - shown.length + this.untracked;
    const latest = Math.max(...all.map((a) => a.at));
    return [...shown, { kind: 'alarms.more', subject: 'health', message: `and ${more} more active alarms (see alarm.raised events)`, at: latest }];
  }
}

/** The device's own alarms (video lost, storage, journal) first, then known operator kinds, then the rest. */
function rank(a: AlarmEvent): number {
  if (a.subject !== 'operator') return 0;
  return KNOWN_OPERATOR_KINDS.includes(a.kind) ? 1 : 2;
}

const key = (a: AlarmEvent) => `${a.kind}\u0000${a.subject}`;
