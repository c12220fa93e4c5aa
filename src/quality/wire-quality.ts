/**
 * The quality subsystems around a recorder: media alarms from the workers' samples and
 * the per-case alarm timeline. The composition root adds them with one call.
 */
import type { Recorder } from '../recorder.js';
import { MediaHealth } from './media-health.js';
import { CaseAlarmLog } from './case-alarm-log.js';
import { loadTemplate } from '../media/pipeline-template.js';
import { SelfCheck } from './selfcheck.js';
import { DeviceHealth } from './device-health.js';

export function qualitySubsystems(recorder: Recorder): Array<MediaHealth | CaseAlarmLog | SelfCheck | DeviceHealth> {
  const { bus, clock, log, config } = recorder;
  const bodies = () => Promise.all(config.channels.map(async (ch) => ({ ch, body: (await loadTemplate(ch.template)).body })));
  return [
    new MediaHealth({ bus, clock, log, config: config.mediaHealth }),
    new DeviceHealth({ bus, clock, log, config: config.deviceHealth }),
    new CaseAlarmLog({
      bus,
      log,
      journal: () => recorder.journal,
      activeCaseIds: () => recorder.sessions?.activeCases().map((c) => c.id) ?? [],
      context: async () => ({
        channels: await Promise.all(
          config.channels.map(async (ch) => {
            const body = (await loadTemplate(ch.template)).body;
            return { id: ch.id, template: ch.template, watermark: body.includes('${osd}'), mediaHealth: body.includes('${videoProbe}') };
          }),
        ),
        preRecordSeconds: config.recording.preRecordSeconds,
        postRecordSeconds: config.recording.postRecordSeconds,
      }),
    }),
    new SelfCheck({
      bus,
      clock,
      log,
      config: config.selfcheck,
      evidenceDir: recorder.paths.evidenceDir,
      keyDir: recorder.paths.keyDir,
      journal: () => recorder.journal,
      channels: () => recorder.state().channels,
      probes: async () => (await bodies()).map(({ ch, body }) => ({ id: ch.id, video: body.includes('${videoProbe}'), audio: body.includes('${audioLevel}') })),
      gpsDevice: config.serial?.gps?.path,
    }),
  ];
}
