/**
 * Turns the raw level of the counter button into presses.
 *
 * Invariants:
 * - A level counts only after it has been stable for `debounceMs`; contact bounce
 *   shorter than that is never a press.
 * - One physical press gives exactly one event: `long` as soon as the button has
 *   been held `longPressMs` (so the officer feels the case close without letting
 *   go), otherwise `short` on release.
 */
import type { DigitalInput, Level } from './digital-io.js';

export type Press = 'short' | 'long';

export interface ButtonPressOptions {
  debounceMs: number;
  longPressMs: number;
  now?: () => number;
}

export class ButtonPresses {
  private stable: Level = 0;
  private raw: Level = 0;
  private pressedAt: number | undefined;
  private longFired = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private longTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private readonly now: () => number;

  constructor(
    private readonly input: DigitalInput,
    private readonly opts: ButtonPressOptions,
    private readonly onPress: (press: Press, heldMs: number) => void,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.raw = this.stable = await this.input.read();
    this.unwatch = this.input.watch((level) => this.onRaw(level));
  }

  stop(): void {
    this.unwatch?.();
    clearTimeout(this.debounceTimer);
    clearTimeout(this.longTimer);
  }

  private onRaw(level: Level): void {
    this.raw = level;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.settle(), this.opts.debounceMs);
  }

  private settle(): void {
    if (this.raw === this.stable) return;
    this.stable = this.raw;
    if (this.stable === 1) {
      // The press began when the contact first settled, minus the debounce wait.
      this.pressedAt = this.now() - this.opts.debounceMs;
      this.longFired = false;
      this.longTimer = setTimeout(() => {
        this.longFired = true;
        this.onPress('long', this.now() - (this.pressedAt ?? this.now()));
      }, Math.max(0, this.opts.longPressMs - this.opts.debounceMs));
      return;
    }
    clearTimeout(this.longTimer);
    // A button already held when watching began (stuck, or pressed at boot) has no
    // press start: its release is not a press.
    if (this.pressedAt !== undefined && !this.longFired) this.onPress('short', this.now() - this.pressedAt);
    this.pressedAt = undefined;
  }
}
