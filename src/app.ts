/**
 * The composition root: builds the recorder and every subsystem around it (trigger
 * sources, uplink), starts them in order and stops them in reverse. Subsystems never
 * call each other; they talk through the recorder's bus and its sessions.
 */
import readline from 'node:readline';
import type { Config } from './config/schema.js';
import type { Logger } from './core/logger.js';
import type { Clock } from './core/clock.js';
import { errorMessage } from './core/errors.js';
import { Recorder } from './recorder.js';

export interface Subsystem {
  name: string;
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
  private readonly subsystems: Subsystem[] = [];
  private readonly started: Subsystem[] = [];

  constructor(readonly options: AppOptions) {
    this.recorder = new Recorder({ config: options.config, log: options.log, clock: options.clock });
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

  async stop(): Promise<void> {
    for (const s of this.started.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.options.log.error({ err, subsystem: s.name }, 'subsystem failed to stop');
      }
    }
    await this.recorder.stop();
  }

  /** A keyboard stand-in for the counter button: Enter = short press, "s"+Enter = documents served. */
  private terminalButton(): Subsystem {
    let rl: readline.Interface | undefined;
    const { log } = this.options;
    return {
      name: 'terminal-button',
      start: () => {
        rl = readline.createInterface({ input: process.stdin });
        process.stderr.write('simulated counter: Enter = button (open case / marker), "s" + Enter = documents served\n');
        rl.on('line', (line) => {
          const sessions = this.recorder.sessions;
          const act =
            line.trim() === 's'
              ? sessions.close({ trigger: 'documents.served', source: 'button' })
              : sessions.openCases().length
                ? sessions.marker({ type: 'marker', source: 'button' })
                : sessions.open({ trigger: 'application.accepted', source: 'button' });
          act.catch((err: unknown) => log.warn({ error: errorMessage(err) }, 'button action refused'));
        });
      },
      stop: () => rl?.close(),
    };
  }
}
