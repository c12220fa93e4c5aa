/**
 * What the modules around the case rules share: the book of cases and its state queue,
 * the rules, the seal queue, the store, the ring and the service's bus, clock and log.
 * Claim filing and the closing ticker each take these plus their own settings.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { Ring } from '../media/ring.js';
import type { CaseBook } from './case-book.js';
import type { CaseRules } from './case-rules.js';
import type { SealQueue } from './seal-queue.js';

export interface CaseParts {
  book: CaseBook;
  rules: CaseRules;
  seals: SealQueue;
  store: Store;
  ring: Ring;
  bus: Bus;
  clock: Clock;
  log: Logger;
}
