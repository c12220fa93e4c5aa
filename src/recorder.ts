/**
 * The recorder core: store, journal, device key, ring, media supervisors, case
 * sessions, sealing, recovery, retention and OSD, wired together. Triggers (GPIO,
 * scanner, MQTT) and reporting are added around it by the composition root (app.ts);
 * they reach the recorder only through `sessions`, `state()` and the bus.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Bus } from './core/bus.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import type { Config, ResolvedPaths } from './config/schema.js';
import { resolvePaths } from './config/load.js';
import { Store } from './store/store.js';
import { Ring } from './media/ring.js';
import { ChannelSupervisor } from './media/channel-supervisor.js';
import { loadTemplate, renderTemplate } from './media/pipeline-template.js';
import { Sealer } from './recording/sealer.js';
import { CaseSessions } from './recording/case-sessions.js';
import { recover, type RecoveryReport } from './recording/recovery.js';
import { OsdDriver } from './osd/osd-driver.js';
import type { Position } from './osd/osd-text.js';
import { mkdirDurable } from './recording/durable-files.js';
import { Journal } from './evidence/journal.js';
import { JournalWriter } from './evidence/journal-writer.js';
import { loadOrCreateDeviceKey, type DeviceKey } from './evidence/device-key.js';
import { journalRecovery, journalStart } from './evidence/startup-entries.js';
import { Retention } from './evidence/retention.js';
import { markOffloaded, type OffloadMark } from './evidence/offload.js';

export const WORKER_PATH = fileURLToPath(new URL('./media/media-worker.js', import.meta.url));

export interface RecorderOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  bus?: Bus;
  /** Current GPS position for the OSD, once a GPS source is attached. */
  position?: () => Position | undefined;
}

export interface RecorderState {
  recording: boolean;
  caseId: string | null;
  caseIds: string[];
  since: number | null;
  trigger: string | null;
  officerId: string | null;
  channels: Array<{ id: string; ok: boolean; fps: number }>;
  preRecordSeconds: number;
}

export class Recorder {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly paths: ResolvedPaths;
  store!: Store;
  journal!: Journal;
  deviceKey!: DeviceKey;
  retention!: Retention;
  ring!: Ring;
  sealer!: Sealer;
  sessions!: CaseSessions;
  supervisors: ChannelSupervisor[] = [];
  recovery: RecoveryReport | undefined;
  private osd: OsdDriver | undefined;
  private journalWriter: JournalWriter | undefined;
  private started = false;
  private capturing: boolean | undefined;
  position: () => Position | undefined;

  constructor(readonly options: RecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.bus = options.bus ?? new Bus(options.log);
    this.paths = resolvePaths(options.config);
    this.position = options.position ?? (() => undefined);
  }

  get config(): Config {
    return this.options.config;
  }

  get log(): Logger {
    return this.options.log;
  }

  async start(): Promise<void> {
    const { config, log } = this.options;
    const { paths } = this;
    const rec = config.recording;
    // Render every template before touching anything, so a bad config fails clearly at start.
    const templates = await Promise.all(config.channels.map((ch) => loadTemplate(ch.template)));
    const render = (i: number) => (location: string) =>
      renderTemplate(templates[i]!, {
        template: config.channels[i]!.template,
        params: config.channels[i]!.params,
        fps: config.channels[i]!.fps,
        gopSeconds: rec.gopSeconds,
        segmentSeconds: rec.segmentSeconds,
        location,
      });
    config.channels.forEach((_, i) => render(i)('/check/x_%05d.mkv'));

    await mkdir(paths.ringDir, { recursive: true });
    await mkdirDurable(paths.evidenceDir);
    if (config.storage.backgroundBytes > 0) await mkdir(paths.backgroundDir, { recursive: true });
    this.store = await Store.open(paths.dbDir, log);
    this.journal = await Journal.open(this.store, this.clock, log);
    this.deviceKey = await loadOrCreateDeviceKey(paths.keyDir);
    await journalStart({ store: this.store, journal: this.journal, config, key: this.deviceKey });
    this.sealer = new Sealer(this.store, paths.evidenceDir, this.clock, this.journal);
    this.ring = new Ring(this.store, log);
    this.recovery = await recover({
      store: this.store,
      sealer: this.sealer,
      ringDir: paths.ringDir,
      backgroundDir: paths.backgroundDir,
      evidenceDir: paths.evidenceDir,
      segmentSeconds: rec.segmentSeconds,
      channels: config.channels.map((c) => c.id),
      log,
    });
    await journalRecovery(this.journal, this.recovery);
    await this.ring.load();
    this.journalWriter = new JournalWriter({ bus: this.bus, journal: this.journal, log });
    this.journalWriter.start();
    if (this.journal.openProblems.length) {
      this.bus.emit('alarm.raised', { kind: 'journal.damaged', subject: 'journal', message: this.journal.openProblems.join('; '), at: this.clock.now() });
    }
    this.sessions = new CaseSessions({
      store: this.store,
      ring: this.ring,
      sealer: this.sealer,
      journal: this.journal,
      bus: this.bus,
      clock: this.clock,
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
      refileClaims: !this.recovery.cleanShutdown,
    });
    await this.sessions.start();
    this.retention = new Retention({
      store: this.store,
      journal: this.journal,
      ring: this.ring,
      bus: this.bus,
      clock: this.clock,
      log,
      sessions: this.sessions,
      settings: config.storage,
      evidenceDir: paths.evidenceDir,
      backgroundDir: paths.backgroundDir,
      preRecordSeconds: rec.preRecordSeconds,
      segmentSeconds: rec.segmentSeconds,
    });
    await this.retention.start();

    const restartCause = this.recovery.cleanShutdown
      ? 'service was stopped'
      : 'service restarted after an unclean stop (crash or power loss)';
    this.supervisors = config.channels.map((ch, i) => {
      const lastEnd = this.recovery!.lastEndByChannel[ch.id];
      return new ChannelSupervisor({
        channel: ch.id,
        fps: ch.fps,
        ringDir: paths.ringDir,
        buildPipeline: render(i),
        workerPath: WORKER_PATH,
        settings: config.supervisor,
        bus: this.bus,
        clock: this.clock,
        log,
        resumeFrom: lastEnd !== undefined ? { at: lastEnd, cause: restartCause } : undefined,
      });
    });
    for (const s of this.supervisors) s.start();

    this.osd = new OsdDriver({
      bus: this.bus,
      targets: this.supervisors,
      deviceId: config.deviceId,
      officerId: () => this.state().officerId ?? config.officerId,
      caseIds: () => this.sessions.openCases().map((c) => c.id),
      position: () => this.position(),
    });
    this.osd.start();

    this.started = true;
    log.info({ deviceId: config.deviceId, channels: config.channels.length, dataDir: paths.dataDir }, 'recorder started');
  }

  /** Stop the pipelines (each finishes its open segment), seal what cases claimed, close the store. */
  async stop(): Promise<void> {
    await this.stopCapture();
    await this.close();
  }

  /**
   * First half of a stop: the pipelines finish their open segments and everything the
   * cases claimed is sealed. The bus and the store stay usable, so reporting subsystems
   * can still publish what this produced.
   */
  async stopCapture(): Promise<void> {
    if (!this.started || this.capturing === false) return;
    this.capturing = false;
    await this.retention.stop();
    this.osd?.stop();
    await Promise.all(this.supervisors.map((s) => s.stop()));
    await this.sessions.stop();
  }

  /** Second half of a stop: journal the stop, mark it clean, close the store. */
  async close(): Promise<void> {
    if (!this.started) return;
    await this.stopCapture();
    this.started = false;
    await this.journal.append('service.stopped', { deviceId: this.config.deviceId });
    await this.journalWriter?.stop();
    await this.store.setMeta({ cleanShutdown: true, lastStopAt: this.clock.now() });
    await this.store.close();
    this.log.info('recorder stopped');
  }

  /** For the offload subsystem: `target` confirmed it holds these segments (retention may now evict them). */
  markOffloaded(segmentIds: string[], mark: OffloadMark): Promise<{ marked: string[] }> {
    return markOffloaded({ store: this.store, journal: this.journal, clock: this.clock, bus: this.bus }, segmentIds, mark);
  }

  state(): RecorderState {
    const open = this.sessions?.openCases() ?? [];
    const first = open[0];
    return {
      recording: open.length > 0,
      caseId: first?.id ?? null,
      caseIds: open.map((c) => c.id),
      since: first?.openTrigger.at ?? null,
      trigger: first?.openTrigger.type ?? null,
      officerId: first?.officerIds[0] ?? this.config.officerId ?? null,
      channels: this.supervisors.map((s) => ({ id: s.channel, ok: s.ok, fps: s.fps })),
      preRecordSeconds: this.config.recording.preRecordSeconds,
    };
  }
}
