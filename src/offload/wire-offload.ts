/** The uploader, when the config has an `offload` section (built by the composition root). */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Config } from '../config/schema.js';
import { OffloadService, type OffloadHost } from './offload-service.js';

export function buildOffload(config: Config, host: OffloadHost, deps: { bus: Bus; clock: Clock; log: Logger }): OffloadService | undefined {
  if (!config.offload) return undefined;
  return new OffloadService({ config: config.offload, deviceId: config.deviceId, unit: config.unit, recorder: host, bus: deps.bus, clock: deps.clock, log: deps.log.child({ subsystem: 'offload' }) });
}
