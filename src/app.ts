/**
 * The composition root: builds the recorder and every subsystem around it (trigger
 * sources, uplink), starts them in order and stops them in reverse. Subsystems never
 * call each other; they talk through the recorder's bus and its sessions.
 */
import readline from 'node:readline';
import type { Config } from './config/schema.js';
import type { Logger } from './core/logger.js';
import type { Clock } from './core/clock.js';
import { Recorder } from './recorder.js';
import { FieldHardware } from './hw/field-hardware.js';
import { qualitySubsystems } from './quality/wire-quality.js';

export interface Subsystem {
  name: string;
  /**
   * `report` subsystems (uplink, embedded broker) stop only after the recorder has
   * stopped capturing, so what the last sealing and closing produced is still reported.
   */
  phase?: 'trigger' | 'report';
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  simulate?: boolean;
  /** In --simulate on a terminal, Enter acts as the counter button (see README). */
  interactive?: boolean;
}

export class App {
  readonly recorder: Recorder;
  /** Button, lamps, GPS, scanner; `hardware.gpsHealth` feeds the health report. */
  readonly hardware: FieldHardware;
  private readonly subsystems: Subsystem[] = [];
  private readonly started: Subsystem[] = [];

  constructor(readonly options: AppOptions) {
    this.recorder = new Recorder({ config: options.config, log: options.log, clock: options.clock });
    this.hardware = new FieldHardware({ config: options.config, log: options.log, recorder: this.recorder, simulateGpio: options.simulate === true });
    this.subsystems.push(...this.hardware.subsystems, ...qualitySubsystems(this.recorder));
    if (options.simulate && options.interactive) this.subsystems.push(this.terminalButton());
  }

  add(subsystem: Subsystem): void {
    this.subsystems.push(subsystem);
  }

  async start(): Promise<void> {
    await this.recorder.start();
    for (const s of this.subsystems) {
      await s.start();
      this.started.push(s);
    }
  }

  /** Triggers first, then capture (sealing what is open), then reporting, then the store. */
  async stop(): Promise<void> {
    const started = this.started.splice(0).reverse();
    await this.stopAll(started.filter((s) => s.phase !== 'report'));
    await this.recorder.stopCapture();
    await this.stopAll(started.filter((s) => s.phase === 'report'));
    await this.recorder.close();
  }

  private async stopAll(subsystems: Subsystem[]): Promise<void> {
    for (const s of subsystems) {
      try {
        await s.stop();
      } catch (err) {
        this.options.log.error({ err, subsystem: s.name }, 'subsystem failed to stop');
      }
    }
  }

  /**
   * The keyboard presses the simulated button twin, so the same debounce and
   * press rules run as on a board: Enter = short press, "s" + Enter = long press.
   */
  private terminalButton(): Subsystem {
    let rl: readline.Interface | undefined;
    const button = this.hardware.sim.button;
    const longMs = (this.options.config.gpio?.longPressSeconds ?? 3) * 1000;
    return {
      name: 'terminal-button',
      start: () => {
        rl = readline.createInterface({ input: process.stdin });
        process.stderr.write('simulated counter: Enter = button (open case / marker), "s" + Enter = long press (documents served)\n');
        rl.on('line', (line) => {
          button.set(1);
          setTimeout(() => button.set(0), line.trim() === 's' ? longMs + 200 : 150);
        });
      },
      stop: () => rl?.close(),
    };
  }
}
