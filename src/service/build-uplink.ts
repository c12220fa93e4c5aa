/**
 * The reporting side: the MQTT uplink to the broker named by `--broker` or the config,
 * else to an embedded broker on loopback. The embedded broker is created listening, so
 * the uplink is built with its real URL; it is stopped after the uplink (both in the
 * report phase, after capture has ended).
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { closer, type Lifecycle } from '../core/lifecycle.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { DeviceState } from '../recording/device-state.js';
import type { StorageStatus } from '../evidence/retention.js';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import type { GpsProvider } from '../uplink/health-report.js';
import type { ClaimHandler, CommandContext } from '../uplink/commands/context.js';
import { Uplink } from '../uplink/uplink.js';

export interface UplinkOptions {
  /** `--broker URL`; overrides mqtt.url in the config. */
  brokerUrl?: string;
  /** Force the embedded broker on any free port (demo), whatever the config says. */
  embedded?: boolean;
}

export interface Reporting {
  uplink: Uplink;
  broker?: EmbeddedBroker;
  lifecycles: Lifecycle[];
}

export async function buildReporting(
  opts: UplinkOptions,
  deps: {
    config: Config;
    bus: Bus;
    clock: Clock;
    log: Logger;
    store: Store;
    evidenceDir: string;
    deviceKey: { fingerprint: string; publicPem: string };
    sessions: CommandContext['sessions'];
    state: () => DeviceState;
    live: CommandContext['live'] & { bytesSent(): number };
    storage: () => StorageStatus | undefined;
    gps: GpsProvider;
    claim: ClaimHandler;
  },
): Promise<Reporting> {
  const base = deps.config.mqtt;
  const url = opts.embedded ? undefined : (opts.brokerUrl ?? base.url);
  const lifecycles: Lifecycle[] = [];
  let broker: EmbeddedBroker | undefined;
  let mqtt = url ? { ...base, url } : undefined;
  if (!mqtt) {
    const embedded = new EmbeddedBroker({ port: opts.embedded ? 0 : base.embeddedPort, log: deps.log });
    await embedded.start();
    broker = embedded;
    lifecycles.push(closer(embedded.name, 'report', () => embedded.stop()));
    mqtt = { ...base, url: embedded.url, protocolVersion: 4, username: undefined, password: undefined };
  }
  const uplink = new Uplink({
    config: deps.config,
    mqtt,
    sessions: deps.sessions,
    state: deps.state,
    live: deps.live,
    outboxTable: deps.store.outbox,
    evidenceDir: deps.evidenceDir,
    deviceKey: deps.deviceKey,
    storage: deps.storage,
    bus: deps.bus,
    clock: deps.clock,
    log: deps.log,
    gps: deps.gps,
    claim: deps.claim,
  });
  lifecycles.push(uplink);
  return { uplink, broker, lifecycles };
}
