/**
 * An alarm condition with a hold time and hysteresis, judged on timed samples.
 *
 * Invariants: the alarm is raised only after `bad` held on every sample for
 * `holdMs`; once raised it is cleared only after `good` (a stricter test than "not
 * bad", the hysteresis) held on every sample for `clearMs`. A sample that is neither
 * restarts both clocks, so a value hovering at the threshold cannot make it flap.
 */
export interface HoldRule<T> {
  bad: (sample: T) => boolean;
  good: (sample: T) => boolean;
  holdMs: number;
  clearMs: number;
  /**
   * How long before its own time a bad sample shows the fault began: a change figure
   * compares two thumbnails, so an image that froze did so at the earlier one.
   */
  onsetMs?: number;
}

export type HoldChange = 'raise' | 'clear' | undefined;

export class HoldDetector<T> {
  private badSince: number | undefined;
  private goodSince: number | undefined;
  /** When the condition started (its first bad sample), while it is raised. */
  faultSince: number | undefined;
  raised = false;

  constructor(private readonly rule: HoldRule<T>) {}

  update(at: number, sample: T): HoldChange {
    const { rule } = this;
    const bad = rule.bad(sample);
    const good = !bad && rule.good(sample);
    this.badSince = bad ? (this.badSince ?? at - (rule.onsetMs ?? 0)) : undefined;
    this.goodSince = good ? (this.goodSince ?? at) : undefined;
    if (!this.raised && this.badSince !== undefined && at - this.badSince >= rule.holdMs) {
      this.raised = true;
      this.faultSince = this.badSince;
      return 'raise';
    }
    if (this.raised && this.goodSince !== undefined && at - this.goodSince >= rule.clearMs) {
      this.raised = false;
      this.faultSince = undefined;
      return 'clear';
    }
    return undefined;
  }

  /** Forget the clocks (the source went away); a raised alarm stays raised. */
  reset(): void {
    this.badSince = undefined;
    this.goodSince = undefined;
  }
}
