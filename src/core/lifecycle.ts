/**
 * The parts of the service that run: each has a start and a stop, and a phase that places
 * it in the stop order. The composition root (src/service/build-service.ts) makes one
 * ordered list of them; `run`, `demo` and the tests all start and stop that one list.
 *
 * Invariants enforced here:
 * - start runs the list in order, one at a time; a start that throws stops, in stop order,
 *   every part already started, and then the error is thrown;
 * - stop runs phase by phase — triggers, then capture, then reporting, then the store — and
 *   within a phase in the reverse of the start order, so nothing is stopped before what
 *   depends on it; a stop that throws is logged and the next one still runs;
 * - start and stop are each done once; a second stop is a no-op.
 */
import type { Logger } from './logger.js';

/**
 * - `store`: the evidence store and its journal: stopped last, after everything that writes to it.
 * - `capture`: case sessions, retention, media workers, watermark.
 * - `trigger`: button, scanner, GPS: stopped first, so no new case opens while capture ends.
 * - `report`: embedded broker and MQTT uplink: stopped after capture, so what the last
 *   sealing and closing produced is still reported.
 */
export type Phase = 'store' | 'capture' | 'trigger' | 'report';

export const STOP_ORDER: readonly Phase[] = ['trigger', 'capture', 'report', 'store'];

export interface Lifecycle {
  readonly name: string;
  readonly phase: Phase;
  /** True for a part created opened (it holds a resource before start): stopped even if start never reached it. */
  readonly opened?: boolean;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** The lifecycle of a part that was created opened: nothing to start, only a stop. */
export function closer(name: string, phase: Phase, stop: () => Promise<void> | void): Lifecycle {
  return { name, phase, opened: true, start: () => undefined, stop };
}

export class Lifecycles {
  private readonly started: Lifecycle[] = [];
  private stopped = false;

  constructor(
    readonly list: readonly Lifecycle[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const part of this.list) {
      try {
        await part.start();
      } catch (err) {
        this.log.error({ err, part: part.name }, 'start failed; stopping what had started');
        await this.stop();
        throw err;
      }
      this.started.push(part);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Parts created opened (the store) are in the list from the start; parts never started are not stopped.
    const stoppable = this.list.filter((p) => p.opened === true || this.started.includes(p));
    for (const phase of STOP_ORDER) {
      for (const part of stoppable.filter((p) => p.phase === phase).reverse()) {
        try {
          await part.stop();
        } catch (err) {
          this.log.error({ err, part: part.name }, 'part failed to stop');
        }
      }
    }
  }
}
