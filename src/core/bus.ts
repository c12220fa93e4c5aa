/**
 * Typed event bus: the only way subsystems talk to each other.
 *
 * Invariant: a listener that throws (or whose promise rejects) is logged and
 * skipped; it never breaks the emitter or the other listeners. The service must
 * not die because one subscriber mishandled an event.
 */
import type { Logger } from './logger.js';
import type { BusEvents } from './events.js';

type Listener<T> = (payload: T) => void | Promise<void>;

export class Bus {
  private readonly listeners = new Map<keyof BusEvents, Set<Listener<never>>>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof BusEvents>(event: K, listener: Listener<BusEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<BusEvents[K]>)(payload);
        if (result && typeof result.catch === 'function') {
          result.catch((err: unknown) => this.log.error({ err, event }, 'bus listener failed'));
        }
      } catch (err) {
        this.log.error({ err, event }, 'bus listener threw');
      }
    }
  }
}
