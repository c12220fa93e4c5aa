/**
 * The alarms the lamp and buzzer show (`gpio.alarms.kinds`) that are raised now, kept
 * from the bus's `alarm.raised` / `alarm.cleared` by kind and subject: a camera covered
 * on two channels is two alarms, and the signal stops only when both are cleared.
 * An alarm raised twice (a repeated event) is one alarm.
 */
export interface AlarmKey {
  kind: string;
  subject: string;
}

export class RaisedAlarms {
  private readonly kinds: ReadonlySet<string>;
  private readonly raised = new Set<string>();

  constructor(kinds: readonly string[]) {
    this.kinds = new Set(kinds);
  }

  /** Note a raised alarm; true when it is a configured one that was not raised already. */
  raise(a: AlarmKey): boolean {
    if (!this.kinds.has(a.kind)) return false;
    const key = `${a.kind}\u0000${a.subject}`;
    if (this.raised.has(key)) return false;
    this.raised.add(key);
    return true;
  }

  clear(a: AlarmKey): void {
    this.raised.delete(`${a.kind}\u0000${a.subject}`);
  }

  /** Whether any configured alarm is raised. */
  get any(): boolean {
    return this.raised.size > 0;
  }
}
