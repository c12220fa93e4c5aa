/**
 * The composition root: the one place where the service is assembled. `casecam run`,
 * `casecam demo`, the tests and the benches all call `buildService` and start and stop
 * the one ordered list of lifecycles it returns (src/core/lifecycle.ts has the stop order).
 *
 * Parts are created in dependency order, and every part that opens a resource is created
 * opened: the store, journal, device key and recovery scan (open-evidence.ts), the
 * embedded broker (build-uplink.ts). Nothing is bound late; a part gets what it needs as
 * arguments. If building fails, whatever was opened is closed before the error is thrown.
 *
 * Start order: store → capture (sessions, retention, media workers, watermark, live view) →
 * triggers (button, lamp, GPS, scanner) → reporting (embedded broker, uplink).
 */
import { Bus } from '../core/bus.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { Lifecycles, type Lifecycle } from '../core/lifecycle.js';
import type { Config, ResolvedPaths } from '../config/schema.js';
import { resolvePaths } from '../config/load.js';
import type { Store } from '../store/store.js';
import type { Ring } from '../media/ring.js';
import type { ChannelSupervisor } from '../media/channel-supervisor.js';
import type { Sealer } from '../recording/sealer.js';
import type { CaseSessions } from '../recording/case-sessions.js';
import type { RecoveryReport } from '../recording/recovery.js';
import { deviceState, type DeviceState } from '../recording/device-state.js';
import type { Journal } from '../evidence/journal.js';
import type { DeviceKey } from '../evidence/device-key.js';
import type { Retention } from '../evidence/retention.js';
import { markOffloaded, type OffloadMark } from '../evidence/offload.js';
import { OsdDriver } from '../osd/osd-driver.js';
import { LiveController } from '../live/live-controller.js';
import { FieldHardware } from '../hw/field-hardware.js';
import { raiseIncident, type IncidentRequest } from '../recording/incident.js';
import { terminalButton } from '../hw/sim/terminal-button.js';
import type { Uplink } from '../uplink/uplink.js';
import type { EmbeddedBroker } from '../broker/embedded-broker.js';
import { openEvidence } from './open-evidence.js';
import { buildCapture, channelPipelines } from './build-capture.js';
import type { UplinkOptions } from './build-uplink.js';
import type { OffloadService } from '../offload/offload-service.js';
import { qualityLifecycles } from '../quality/wire-quality.js';

export interface ServiceOptions {
  log: Logger;
  clock?: Clock;
  /** Use the simulated GPIO twin (button, lamp, buzzer) instead of onoff. */
  simulate?: boolean;
  /** In --simulate on a terminal, Enter acts as the counter button (see README). */
  interactive?: boolean;
  /** Report over MQTT; without this option the service has no uplink (tests of the recording alone). */
  uplink?: UplinkOptions;
}

export interface Service {
  readonly config: Config;
  readonly log: Logger;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly paths: ResolvedPaths;
  readonly store: Store;
  readonly journal: Journal;
  readonly deviceKey: DeviceKey;
  readonly ring: Ring;
  readonly sealer: Sealer;
  readonly recovery: RecoveryReport;
  readonly sessions: CaseSessions;
  readonly retention: Retention;
  readonly supervisors: ChannelSupervisor[];
  readonly hardware: FieldHardware;
  readonly live: LiveController;
  readonly uplink?: Uplink;
  readonly broker?: EmbeddedBroker;
  /** The uploader (docs/offload.md), when the config has `offload`. */
  readonly offload?: OffloadService;
  /** Every part that runs, in start order. */
  readonly lifecycles: Lifecycles;
  state(): DeviceState;
  /** For the offload subsystem: a target confirmed it holds these segments (retention may now evict them). */
  markOffloaded(segmentIds: string[], mark: OffloadMark): Promise<{ marked: string[] }>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildService(config: Config, options: ServiceOptions): Promise<Service> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const bus = new Bus(log);
  const paths = resolvePaths(config);
  // The reporting modules (MQTT client, embedded broker) load while the pipeline check (a
  // child process) is awaited, not at import (bench/README.md, startup). Every template is
  // checked before the data directory is touched, so a bad config fails clearly and writes nothing.
  const reportingModule = options.uplink ? import('./build-uplink.js') : undefined;
  // Settled at once, so a failed start never leaves it as an unhandled rejection.
  reportingModule?.catch(() => undefined);
  const pipelines = await channelPipelines(config, log);
  const evidence = await openEvidence({ config, paths, bus, clock, log });
  const { store, journal } = evidence;
  try {
    const capture = buildCapture({ config, paths, evidence, pipelines, bus, clock, log });
    const { sessions, retention, supervisors } = capture;
    const offloaded = (segmentIds: string[], mark: OffloadMark) => markOffloaded({ store, journal, clock, bus }, segmentIds, mark);
    // Loaded only when configured: the S3 client alone is ~25 MB of the main process.
    const offload = config.offload && (await import('../offload/wire-offload.js')).buildOffload(config, { store, journal, deviceKey: evidence.deviceKey, paths, markOffloaded: offloaded }, { bus, clock, log });
    // The incident input on a GPIO line does what the MQTT `incident` command does.
    const incident = (req: IncidentRequest) => raiseIncident({ open: (r) => sessions.open(r), openCaseIds: () => sessions.openCases().map((c) => c.id), bus, clock, offload }, req);
    const hardware = new FieldHardware({ config, log, bus, clock, store, sessions, simulateGpio: options.simulate === true, incident });
    const osd = new OsdDriver({
      bus,
      targets: supervisors,
      deviceId: config.deviceId,
      officerId: () => sessions.openCases()[0]?.officerIds[0] ?? config.officerId,
      caseIds: () => sessions.openCases().map((c) => c.id),
      position: hardware.position,
    });
    const live = new LiveController({ config: config.live, deviceId: config.deviceId, channels: supervisors, gopSeconds: config.recording.gopSeconds, bus, clock, log });
    const state = (): DeviceState =>
      deviceState({
        openCases: () => sessions.openCases(),
        channels: supervisors,
        officerId: config.officerId,
        preRecordSeconds: config.recording.preRecordSeconds,
        live: () => live.streams(),
      });
    const reporting = options.uplink
      ? await (await reportingModule!).buildReporting(options.uplink, {
          config,
          bus,
          clock,
          log,
          store,
          evidenceDir: paths.evidenceDir,
          deviceKey: evidence.deviceKey,
          dataDir: paths.dataDir,
          sessions,
          state,
          live,
          storage: () => retention.status(),
          gps: () => {
            const health = hardware.gpsHealth();
            return health && { ...health, clockOffsetMs: hardware.gps?.clockOffsetMs() ?? null };
          },
          // The MQTT `claim` command files a past interval under a case (docs/evidence.md).
          claim: (req) => sessions.claimInterval(req),
          offload,
        })
      : undefined;
    const list: Lifecycle[] = [
      ...evidence.lifecycles,
      ...capture.lifecycles,
      { name: 'watermark', phase: 'capture', start: () => osd.start(), stop: () => osd.stop() },
      // After the workers in start order, so it stops before them: the senders end first.
      live,
      ...hardware.lifecycles,
      ...qualityLifecycles({ config, paths, bus, clock, log, journal, activeCaseIds: () => sessions.activeCases().map((c) => c.id), channels: () => state().channels }),
      ...(options.simulate && options.interactive ? [terminalButton(hardware.sim.button, config.gpio.longPressSeconds)] : []),
      ...(reporting?.lifecycles ?? []),
      ...(offload ? [offload] : []),
    ];
    const lifecycles = new Lifecycles(list, log);
    return {
      config,
      log,
      bus,
      clock,
      paths,
      store,
      journal,
      deviceKey: evidence.deviceKey,
      ring: evidence.ring,
      sealer: evidence.sealer,
      recovery: evidence.recovery,
      sessions,
      retention,
      supervisors,
      hardware,
      live,
      uplink: reporting?.uplink,
      broker: reporting?.broker,
      offload,
      lifecycles,
      state,
      markOffloaded: offloaded,
      start: async () => {
        await lifecycles.start();
        log.info({ deviceId: config.deviceId, channels: config.channels.length, dataDir: paths.dataDir }, 'service started');
      },
      stop: async () => {
        await lifecycles.stop();
        log.info('service stopped');
      },
    };
  } catch (err) {
    // Nothing has started yet: only the opened store holds a resource.
    await store.close().catch((closeErr: unknown) => log.error({ err: closeErr }, 'cannot close the store after a failed build'));
    throw err;
  }
}
