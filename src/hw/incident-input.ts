/**
 * The incident input: a GPIO line such as a button on a patrol car's console. Held for
 * `holdMs` (after the debounce), it raises an incident as the MQTT `incident` command
 * does (src/recording/incident.ts): the alarm `kind` (live view starts on the kinds
 * `live.autoStartOn` names), the case opened or marked, its upload first in the queue.
 *
 * Invariants:
 * - One hold, one incident: it fires while the line is still held; a press released
 *   before `holdMs` (a bump) raises nothing and is logged.
 * - Handled one at a time and never thrown at the hardware loop: a refusal is logged and
 *   the input stays usable.
 */
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import type { IncidentRequest, IncidentResult } from '../recording/incident.js';
import type { DigitalInput } from './digital-io.js';
import { ButtonPresses } from './button-presses.js';

export interface IncidentInputOptions {
  input: () => Promise<DigitalInput>;
  raise: (req: IncidentRequest) => Promise<IncidentResult>;
  /** The incident kind (alarm kind) a press raises, e.g. `emergency`. */
  kind: string;
  debounceMs: number;
  holdMs: number;
  log: Logger;
}

export class IncidentInput {
  readonly name = 'incident-input';
  private input: DigitalInput | undefined;
  private presses: ButtonPresses | undefined;
  private readonly queue = new SerialQueue();

  constructor(private readonly opts: IncidentInputOptions) {}

  async start(): Promise<void> {
    const { opts } = this;
    this.input = await opts.input();
    // ButtonPresses' long press is the hold: it fires once, while still held.
    this.presses = new ButtonPresses(this.input, { debounceMs: opts.debounceMs, longPressMs: Math.max(opts.holdMs, opts.debounceMs) }, (press, heldMs) => {
      if (press === 'short') {
        opts.log.info({ heldMs, holdMs: opts.holdMs }, 'incident input released before the hold time: no incident');
        return;
      }
      this.queue.push(
        async () => {
          const r = await opts.raise({ kind: opts.kind, source: 'gpio', note: 'incident input' });
          opts.log.warn({ kind: opts.kind, caseId: r.caseId, created: r.created, upload: r.upload }, 'incident input: incident raised');
        },
        (err) => opts.log.error({ err, kind: opts.kind }, 'incident input: incident not raised'),
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
