/** Adds the uploader to an App when the config has an `offload` section; returns it for the uplink's commands. */
import type { App } from '../app.js';
import { OffloadService } from './offload-service.js';

export function wireOffload(app: App): OffloadService | undefined {
  const { config, log } = app.options;
  if (!config.offload) return undefined;
  const { recorder } = app;
  const service = new OffloadService({ config: config.offload, deviceId: config.deviceId, unit: config.unit, recorder, bus: recorder.bus, clock: recorder.clock, log: log.child({ subsystem: 'offload' }) });
  app.add(service);
  return service;
}
