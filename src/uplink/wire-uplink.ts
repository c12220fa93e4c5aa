/**
 * Adds the MQTT uplink to an App: to the broker named by `--broker` or the config,
 * else to an embedded broker on loopback (started first, stopped last).
 */
import type { App } from '../app.js';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import type { GpsProvider } from './health-report.js';
import type { ClaimHandler, OffloadCommands } from './commands/context.js';
import { mqttConfig, type MqttConfig } from './uplink-config.js';
import { Uplink } from './uplink.js';

export interface WireOptions {
  /** `--broker URL`; overrides mqtt.url in the config. */
  brokerUrl?: string;
  /** Force the embedded broker (demo), whatever the config says. */
  embedded?: boolean;
  gps?: GpsProvider;
  claim?: ClaimHandler;
  offload?: OffloadCommands;
}

export function wireUplink(app: App, opts: WireOptions = {}): { uplink: Uplink; broker?: EmbeddedBroker } {
  const { config, log } = app.options;
  const base: MqttConfig = mqttConfig(config.mqtt);
  const url = opts.embedded ? undefined : (opts.brokerUrl ?? base.url);
  let broker: EmbeddedBroker | undefined;
  let mqtt: MqttConfig & { url: string };
  if (url) {
    mqtt = { ...base, url };
  } else {
    broker = new EmbeddedBroker({ port: opts.embedded ? 0 : base.embeddedPort, log });
    app.add(broker);
    // The URL is known once the broker listens; the uplink starts after it and reads it then.
    mqtt = {
      ...base,
      protocolVersion: 4,
      username: undefined,
      password: undefined,
      get url() {
        return broker!.url;
      },
    };
  }
  const { recorder } = app;
  const uplink = new Uplink({ config, mqtt, recorder, bus: recorder.bus, clock: recorder.clock, log, gps: opts.gps, claim: opts.claim, offload: opts.offload });
  app.add(uplink);
  return { uplink, broker };
}
