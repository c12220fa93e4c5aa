/**
 * The quality parts of the service: media alarms from the workers' samples, device
 * alarms, the per-case alarm timeline, and the start-of-duty self-check. The composition
 * root adds the lifecycles this returns with one call.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Config, ResolvedPaths } from '../config/schema.js';
import type { Journal } from '../evidence/journal.js';
import { loadTemplate } from '../media/pipeline-template.js';
import { MediaHealth } from './media-health.js';
import { CaseAlarmLog } from './case-alarm-log.js';
import { SelfCheck } from './selfcheck.js';
import { DeviceHealth } from './device-health.js';

export interface QualityDeps {
  config: Config;
  paths: ResolvedPaths;
  bus: Bus;
  clock: Clock;
  log: Logger;
  journal: Journal;
  /** IDs of the cases whose window is running (open or closing). */
  activeCaseIds: () => string[];
  channels: () => Array<{ id: string; ok: boolean }>;
}

export function qualityLifecycles(d: QualityDeps): Lifecycle[] {
  const { config, bus, clock, log } = d;
  const bodies = () => Promise.all(config.channels.map(async (ch) => ({ ch, body: (await loadTemplate(ch.template)).body })));
  const parts = [
    new MediaHealth({ bus, clock, log, config: config.mediaHealth }),
    new DeviceHealth({ bus, clock, log, config: config.deviceHealth }),
    new CaseAlarmLog({
      bus,
      log,
      journal: d.journal,
      activeCaseIds: d.activeCaseIds,
      context: async () => ({
        channels: (await bodies()).map(({ ch, body }) => ({ id: ch.id, template: ch.template, watermark: body.includes('${osd}'), mediaHealth: body.includes('${videoProbe}') })),
        preRecordSeconds: config.recording.preRecordSeconds,
        postRecordSeconds: config.recording.postRecordSeconds,
      }),
    }),
    new SelfCheck({
      bus,
      clock,
      log,
      config: config.selfcheck,
      evidenceDir: d.paths.evidenceDir,
      keyDir: d.paths.keyDir,
      journal: d.journal,
      channels: d.channels,
      probes: async () => (await bodies()).map(({ ch, body }) => ({ id: ch.id, video: body.includes('${videoProbe}'), audio: body.includes('${audioLevel}') })),
      gpsDevice: config.serial?.gps?.path,
    }),
  ];
  return parts.map((p) => ({ name: p.name, phase: 'capture' as const, start: () => p.start(), stop: () => p.stop() }));
}
