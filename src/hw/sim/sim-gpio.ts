/**
 * Simulated twin of the GPIO lines (digital-io.ts) for boxes without GPIO: the
 * simulator and tests press the button with `set()` and look at lamps with `read()`
 * or `history`. Passes the same contract suite as the onoff adapter.
 */
import type { DigitalInput, DigitalOutput, Level } from '../digital-io.js';

export class SimInput implements DigitalInput {
  private level: Level = 0;
  private closed = false;
  private readonly listeners = new Set<(level: Level) => void>();

  /** Drive the line, as a finger (or a bouncing contact) would. */
  set(level: Level): void {
    if (this.closed || level === this.level) return;
    this.level = level;
    for (const l of [...this.listeners]) l(level);
  }

  async read(): Promise<Level> {
    return this.level;
  }

  watch(listener: (level: Level) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}

export class SimOutput implements DigitalOutput {
  private level: Level = 0;
  /** Every write, with the time it happened, so tests can see a buzzer's pulses. */
  readonly history: Array<{ level: Level; at: number }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  async write(level: Level): Promise<void> {
    this.level = level;
    this.history.push({ level, at: this.now() });
  }

  async read(): Promise<Level> {
    return this.level;
  }

  async close(): Promise<void> {
    await this.write(0);
  }
}
