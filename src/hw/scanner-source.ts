/**
 * The counter's serial barcode scanner: each scanned line is a code, handed to the
 * trigger rules (trigger-actions.ts) unless a configured pattern maps it to another
 * action. Garbage, partial lines, wrong baud rates and unplugging are the serial
 * line's business (serial-line.ts): counted, logged, reconnected.
 */
import type { Logger } from '../core/logger.js';
import { SerialQueue } from '../core/serial-queue.js';
import { isValidCaseId } from '../core/case-id.js';
import { SerialLine } from './serial-line.js';
import type { ScanPattern } from '../config/hw-schema.js';
import type { TriggerActions, TriggerOutcome } from './trigger-actions.js';

export interface ScannerSourceOptions {
  path: string;
  baudRate: number;
  log: Logger;
  actions: TriggerActions;
  patterns?: ScanPattern[];
  onOutcome?: (code: string, outcome: TriggerOutcome) => void;
}

export class ScannerSource {
  readonly name = 'scanner';
  readonly line: SerialLine;
  /** Codes read whole but refused (not a usable ID): counted like the serial errors. */
  rejected = 0;
  private readonly patterns: Array<{ re: RegExp; action: ScanPattern['action'] }>;
  private readonly queue = new SerialQueue();

  constructor(private readonly opts: ScannerSourceOptions) {
    this.patterns = (opts.patterns ?? []).map((p) => ({ re: new RegExp(`^(?:${p.pattern})$`, 'u'), action: p.action }));
    this.line = new SerialLine({ name: 'scanner', path: opts.path, baudRate: opts.baudRate, log: opts.log, maxLineBytes: 256, onLine: (l) => this.onCode(l) });
  }

  start(): void {
    this.line.start();
  }

  async stop(): Promise<void> {
    await this.line.stop();
    await this.queue.settled();
  }

  private onCode(raw: string): void {
    const code = raw.trim();
    if (!isValidCaseId(code)) {
      this.rejected++;
      this.opts.log.warn({ scanned: raw.slice(0, 80), rejected: this.rejected }, 'scanned code refused: not a usable case or document number');
      return;
    }
    const action = this.patterns.find((p) => p.re.test(code))?.action ?? 'auto';
    if (action === 'ignore') return;
    this.opts.log.info({ scanned: code, action }, 'barcode scanned');
    // Scans are handled in order: a close must not overtake the open scanned before it.
    // A scan whose handling fails is logged; the queue must stay usable for the next one.
    this.queue.push(
      async () => {
        const outcome = await this.opts.actions.scan(code, action);
        this.opts.onOutcome?.(code, outcome);
      },
      (err) => this.opts.log.error({ err, scanned: code }, 'scan not handled'),
    );
  }
}
