/**
 * The red recording lamp and the reminder buzzer.
 *
 * Invariant: the lamp is lit whenever any case is recording (open, or closing and
 * still inside its post-record time), so the people at the counter can see they are
 * being recorded; it is dark otherwise. The state is re-checked on every case event
 * and once a second, so a missed event cannot leave the lamp wrong for long.
 * While recording, the buzzer sounds a short beep every `reminderSeconds` (0 = never).
 */
import type { Bus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import type { DigitalOutput } from './digital-io.js';

export interface RecordingIndicatorsOptions {
  bus: Bus;
  log: Logger;
  recording: () => boolean;
  lamp?: () => Promise<DigitalOutput>;
  buzzer?: () => Promise<DigitalOutput>;
  reminderSeconds: number;
  beepMs?: number;
  now?: () => number;
}

export class RecordingIndicators {
  readonly name = 'recording-indicators';
  private lamp: DigitalOutput | undefined;
  private buzzer: DigitalOutput | undefined;
  private lit: boolean | undefined;
  private lastBeep = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly opts: RecordingIndicatorsOptions) {}

  async start(): Promise<void> {
    this.lamp = await this.opts.lamp?.();
    this.buzzer = await this.opts.buzzer?.();
    const { bus } = this.opts;
    for (const e of ['case.opened', 'case.closed', 'osd.changed'] as const) this.unsubscribe.push(bus.on(e, () => this.refresh()));
    this.timer = setInterval(() => this.refresh(), 1000);
    this.timer.unref();
    this.refresh();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    clearInterval(this.timer);
    await this.lamp?.close();
    await this.buzzer?.close();
  }

  /** Whether the lamp is lit now (for health and tests). */
  get lampLit(): boolean {
    return this.lit === true;
  }

  refresh(): void {
    const on = this.opts.recording();
    const now = (this.opts.now ?? Date.now)();
    if (on !== this.lit) {
      this.lit = on;
      if (on) this.lastBeep = now; // the lamp announces the start; the first reminder comes one period later
      if (this.lamp) this.opts.log.info(`recording lamp ${on ? 'on' : 'off'}`);
      this.lamp?.write(on ? 1 : 0).catch((err: unknown) => this.opts.log.error({ err }, 'cannot set recording lamp'));
    }
    const period = this.opts.reminderSeconds * 1000;
    if (on && this.buzzer && period > 0 && now - this.lastBeep >= period) {
      this.lastBeep = now;
      void this.beep();
    }
  }

  private async beep(): Promise<void> {
    try {
      await this.buzzer!.write(1);
      await new Promise((r) => setTimeout(r, this.opts.beepMs ?? 150));
      await this.buzzer!.write(0);
    } catch (err) {
      this.opts.log.error({ err }, 'cannot sound buzzer');
    }
  }
}
