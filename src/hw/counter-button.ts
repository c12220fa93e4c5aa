/**
 * The counter button subsystem: debounced presses (button-presses.ts) turned into
 * case actions (trigger-actions.ts). Works on any DigitalInput: the onoff line on a
 * board, the simulated twin elsewhere.
 */
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import type { DigitalInput } from './digital-io.js';
import { ButtonPresses } from './button-presses.js';
import type { TriggerActions, TriggerOutcome } from './trigger-actions.js';

export interface CounterButtonOptions {
  input: () => Promise<DigitalInput>;
  actions: TriggerActions;
  log: Logger;
  debounceMs: number;
  longPressMs: number;
  /** Called after each press is handled (tests and the simulator watch outcomes). */
  onOutcome?: (press: 'short' | 'long', outcome: TriggerOutcome) => void;
}

export class CounterButton {
  readonly name = 'counter-button';
  private input: DigitalInput | undefined;
  private presses: ButtonPresses | undefined;
  /** Presses are handled one at a time, in order. */
  private readonly queue = new SerialQueue();

  constructor(private readonly opts: CounterButtonOptions) {}

  async start(): Promise<void> {
    this.input = await this.opts.input();
    this.presses = new ButtonPresses(this.input, { debounceMs: this.opts.debounceMs, longPressMs: this.opts.longPressMs }, (press, heldMs) => {
      this.opts.log.info({ press, heldMs }, 'counter button');
      // A press whose handling fails is logged; the queue must stay usable for the next one.
      this.queue.push(
        async () => {
          const outcome = await this.opts.actions.button(press);
          this.opts.onOutcome?.(press, outcome);
        },
        (err) => this.opts.log.error({ err, press }, 'button press not handled'),
      );
    });
    await this.presses.start();
  }

  async stop(): Promise<void> {
    this.presses?.stop();
    await this.queue.settled();
    await this.input?.close();
  }
}
