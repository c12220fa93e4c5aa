/**
 * The capture side: case sessions (claims on the ring), retention under the storage
 * budget, a supervised media worker per channel, or per `supervisor.channelsPerWorker`
 * channels sharing one process (the watermark driver is built beside
 * the field hardware, whose GPS it shows). Built on an
 * opened evidence core; every pipeline template is rendered before anything starts, so a
 * bad template or parameter fails the start clearly instead of looping restarts.
 */
import { fileURLToPath } from 'node:url';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Config, ResolvedPaths } from '../config/schema.js';
import { ChannelSupervisor } from '../media/channel-supervisor.js';
import { SharedWorker } from '../media/shared-worker.js';
import { loadTemplate, renderTemplate } from '../media/pipeline-template.js';
import { checkPipelines } from '../media/pipeline-check.js';
import { CaseSessions } from '../recording/case-sessions.js';
import { RecordingHistory } from '../recording/gap-causes.js';
import { Retention } from '../evidence/retention.js';
import type { EvidenceCore } from './open-evidence.js';

export const WORKER_PATH = fileURLToPath(new URL('../media/media-worker.js', import.meta.url));
const HOST_PATH = fileURLToPath(new URL('../media/media-worker-host.js', import.meta.url));

export interface Capture {
  sessions: CaseSessions;
  retention: Retention;
  supervisors: ChannelSupervisor[];
  /** The capture phase, in start order: sessions, retention, media workers. */
  lifecycles: Lifecycle[];
}

export type PipelineBuilder = (location: string) => string;

/**
 * Renders every channel's template once with a probe location, then has GStreamer parse
 * each and bring it to PAUSED (media/pipeline-check.ts), so a bad one fails before anything starts.
 */
export async function channelPipelines(config: Config, log: Logger): Promise<PipelineBuilder[]> {
  const rec = config.recording;
  const templates = await Promise.all(config.channels.map((ch) => loadTemplate(ch.template)));
  const render = (i: number, params: Record<string, string | number>) => (location: string) =>
    renderTemplate(templates[i]!, {
      template: config.channels[i]!.template,
      params,
      fps: config.channels[i]!.fps,
      gopSeconds: rec.gopSeconds,
      segmentSeconds: rec.segmentSeconds,
      location,
    });
  const builders = config.channels.map((ch, i) => render(i, ch.params));
  for (const build of builders) build('/check/x_%05d.mkv');
  await checkPipelines(config.channels.map((ch, i) => ({ id: ch.id, index: i, params: ch.params, render: (p, loc) => render(i, p)(loc) })), log);
  return builders;
}

export function buildCapture(deps: {
  config: Config;
  paths: ResolvedPaths;
  evidence: EvidenceCore;
  pipelines: PipelineBuilder[];
  bus: Bus;
  clock: Clock;
  log: Logger;
}): Capture {
  const { config, paths, evidence, bus, clock, log } = deps;
  const rec = config.recording;
  const { recovery } = evidence;
  const restartCause = recovery.cleanShutdown ? 'service was stopped' : 'service restarted after an unclean stop (crash or power loss)';
  const lastEnds = recovery.lastEndByChannel;
  const history = new RecordingHistory({ bus, clock, previous: Object.keys(lastEnds).length ? { cause: restartCause, lastEndByChannel: lastEnds } : undefined });
  const sessions = new CaseSessions({
    store: evidence.store,
    ring: evidence.ring,
    sealer: evidence.sealer,
    journal: evidence.journal,
    bus,
    clock,
    log,
    deviceId: config.deviceId,
    kind: config.kind,
    site: config.site,
    unit: config.unit,
    defaultOfficerId: config.officerId,
    channels: config.channels.map((c) => c.id),
    preRecordSeconds: rec.preRecordSeconds,
    postRecordSeconds: rec.postRecordSeconds,
    segmentSeconds: rec.segmentSeconds,
    refileClaims: !recovery.cleanShutdown,
    explainGap: history.explain,
    frameMs: Math.max(...config.channels.map((c) => 1000 / c.fps)),
  });
  const retention = new Retention({
    store: evidence.store,
    journal: evidence.journal,
    ring: evidence.ring,
    bus,
    clock,
    log,
    cases: sessions,
    sealQueue: sessions.sealQueue,
    settings: config.storage,
    evidenceDir: paths.evidenceDir,
    backgroundDir: paths.backgroundDir,
    preRecordSeconds: rec.preRecordSeconds,
    segmentSeconds: rec.segmentSeconds,
  });
  const perWorker = config.supervisor.channelsPerWorker;
  const hosts: SharedWorker[] = [];
  if (perWorker > 1) {
    for (let i = 0; i < config.channels.length; i += perWorker) {
      hosts.push(new SharedWorker({ hostPath: HOST_PATH, channels: Math.min(perWorker, config.channels.length - i), log }));
    }
  }
  const supervisors = config.channels.map((ch, i) => {
    const lastEnd = recovery.lastEndByChannel[ch.id];
    const host = hosts[Math.floor(i / perWorker)];
    return new ChannelSupervisor({
      channel: ch.id,
      fps: ch.fps,
      ringDir: paths.ringDir,
      buildPipeline: deps.pipelines[i]!,
      workerPath: WORKER_PATH,
      launch: host && (() => host.launch(ch.id)),
      settings: config.supervisor,
      bus,
      clock,
      log,
      resumeFrom: lastEnd !== undefined ? { at: lastEnd, cause: restartCause } : undefined,
    });
  });
  const lifecycles: Lifecycle[] = [
    { name: 'recording-history', phase: 'capture', start: () => history.start(), stop: () => history.stop() },
    { name: 'case-sessions', phase: 'capture', start: () => sessions.start(), stop: () => sessions.stop() },
    { name: 'retention', phase: 'capture', start: () => retention.start(), stop: () => retention.stop() },
    {
      // All channels start and stop together: each worker ends its open segment with EOS on stop.
      name: 'media-workers',
      phase: 'capture',
      start: () => supervisors.forEach((s) => s.start()),
      stop: async () => void (await Promise.all(supervisors.map((s) => s.stop()))),
    },
  ];
  return { sessions, retention, supervisors, lifecycles };
}
