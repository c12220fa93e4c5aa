/**
 * The red recording lamp and the reminder buzzer, and the alarms they show.
 *
 * Invariant: the lamp is lit whenever any case is recording (open, or closing and
 * still inside its post-record time), so the people at the counter can see they are
 * being recorded; it is dark otherwise, whatever alarm is raised, so it never claims a
 * recording that is not happening. While recording with one of the configured alarms
 * raised (`gpio.alarms`, default the media alarms: a covered or frozen camera, a silent
 * microphone) it blinks at 1 Hz instead (lamp `blink`), lit half of each second.
 * The state is re-checked on every case and alarm event and four times a second, so a
 * missed event cannot leave the lamp wrong for long.
 * While recording, the buzzer sounds a short beep every `reminderSeconds` (0 = never).
 * A configured alarm, recording or not, sounds two short beeps when it is raised and
 * (buzzer `repeat`) again every `repeatSeconds` while any stays raised. Beeps never
 * overlap: each pattern waits for the one before.
 */
import type { Bus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import type { AlarmSignalConfig } from '../config/hw-schema.js';
import type { DigitalOutput } from './digital-io.js';
import { RaisedAlarms } from './raised-alarms.js';

export interface RecordingIndicatorsOptions {
  bus: Bus;
  log: Logger;
  recording: () => boolean;
  lamp?: () => Promise<DigitalOutput>;
  buzzer?: () => Promise<DigitalOutput>;
  reminderSeconds: number;
  /** Which raised alarms the lamp and buzzer show; absent = none. */
  alarms?: AlarmSignalConfig;
  beepMs?: number;
  now?: () => number;
}

/** Half a blink period: the lamp is lit for the first half of each second. */
const BLINK_HALF_MS = 500;
const TICK_MS = 250;

export class RecordingIndicators {
  readonly name = 'recording-indicators';
  private lamp: DigitalOutput | undefined;
  private buzzer: DigitalOutput | undefined;
  private recordingShown: boolean | undefined;
  private level: 0 | 1 | undefined;
  private lastBeep = 0;
  private lastAlarmBeep = 0;
  private buzzing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly raised: RaisedAlarms;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly opts: RecordingIndicatorsOptions) {
    this.raised = new RaisedAlarms(opts.alarms?.kinds ?? []);
  }

  async start(): Promise<void> {
    this.lamp = await this.opts.lamp?.();
    this.buzzer = await this.opts.buzzer?.();
    const { bus } = this.opts;
    for (const e of ['case.opened', 'case.closed', 'osd.changed'] as const) this.unsubscribe.push(bus.on(e, () => this.refresh()));
    this.unsubscribe.push(
      bus.on('alarm.raised', (a) => {
        if (this.raised.raise(a) && this.opts.alarms?.buzzer !== 'none') this.alarmBeep();
        this.refresh();
      }),
      bus.on('alarm.cleared', (a) => {
        this.raised.clear(a);
        this.refresh();
      }),
    );
    this.timer = setInterval(() => this.refresh(), TICK_MS);
    this.timer.unref();
    this.refresh();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    clearInterval(this.timer);
    await this.buzzing;
    await this.lamp?.close();
    await this.buzzer?.close();
  }

  /** Whether the lamp shows a recording now, lit or blinking (for health and tests). */
  get lampLit(): boolean {
    return this.recordingShown === true;
  }

  /** Whether a configured alarm is raised, so the lamp blinks (while recording) and the buzzer repeats. */
  get alarmShown(): boolean {
    return this.raised.any;
  }

  refresh(): void {
    const on = this.opts.recording();
    const now = this.now();
    if (on !== this.recordingShown) {
      this.recordingShown = on;
      if (on) this.lastBeep = now; // the lamp announces the start; the first reminder comes one period later
      if (this.lamp) this.opts.log.info(`recording lamp ${on ? 'on' : 'off'}`);
    }
    const blink = on && this.raised.any && this.opts.alarms?.lamp === 'blink';
    const level = on && !(blink && Math.floor(now / BLINK_HALF_MS) % 2 === 1) ? 1 : 0;
    if (level !== this.level) {
      this.level = level;
      this.lamp?.write(level).catch((err: unknown) => this.opts.log.error({ err }, 'cannot set recording lamp'));
    }
    const period = this.opts.reminderSeconds * 1000;
    if (on && this.buzzer && period > 0 && now - this.lastBeep >= period) {
      this.lastBeep = now;
      this.queueBeeps(1);
    }
    const repeat = this.opts.alarms?.buzzer === 'repeat' ? this.opts.alarms.repeatSeconds * 1000 : 0;
    if (this.raised.any && repeat > 0 && now - this.lastAlarmBeep >= repeat) this.alarmBeep();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private alarmBeep(): void {
    this.lastAlarmBeep = this.now();
    this.queueBeeps(2);
  }

  private queueBeeps(count: number): void {
    if (!this.buzzer) return;
    this.buzzing = this.buzzing.then(() => this.beeps(count));
  }

  private async beeps(count: number): Promise<void> {
    const ms = this.opts.beepMs ?? 150;
    try {
      for (let i = 0; i < count; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, ms));
        await this.buzzer!.write(1);
        await new Promise((r) => setTimeout(r, ms));
        await this.buzzer!.write(0);
      }
    } catch (err) {
      this.opts.log.error({ err }, 'cannot sound buzzer');
    }
  }
}
