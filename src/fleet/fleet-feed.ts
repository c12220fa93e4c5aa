/**
 * The fleet side's MQTT connection: subscribes to every device's status, state, inventory,
 * health and events (read-only; it publishes nothing) and feeds the board model. Works on
 * any MQTT 3.1.1/5 broker: plain wildcard subscriptions, retained messages for the
 * snapshot, QoS 1.
 *
 * `ready()` resolves once the retained snapshot has arrived: the broker sends retained
 * messages right after SUBACK, so the snapshot is complete when no message came for
 * `quietMs` after the subscription (bounded by `maxWaitMs`).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { BoardModel, type ApplyResult } from './board-model.js';
import { fleetSubscriptions } from './fleet-message.js';

export interface FleetFeedOptions {
  broker: string;
  root?: string;
  clientId?: string;
  username?: string;
  password?: string;
  clock: Clock;
  log: Logger;
  /** Called after each applied message (history store, redraw). Must not throw; errors are logged. */
  onApplied?: (r: ApplyResult) => void;
}

export class FleetFeed {
  readonly model: BoardModel;
  private client: MqttClient | undefined;
  private lastMessageAt = 0;
  private subscribedAt = 0;
  messages = 0;

  constructor(private readonly opts: FleetFeedOptions) {
    this.model = new BoardModel(opts.root ?? 'casecam');
  }

  async start(): Promise<void> {
    const { opts } = this;
    const client = mqtt.connect(opts.broker, {
      clientId: opts.clientId ?? `casecam-fleet-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      username: opts.username,
      password: opts.password,
    });
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      const now = opts.clock.now();
      this.lastMessageAt = now;
      this.messages++;
      const r = this.model.applyRaw(topic, payload.toString('utf8'), packet.retain, now);
      if (r.error) opts.log.debug({ topic, error: r.error }, 'message refused');
      try {
        opts.onApplied?.(r);
      } catch (err) {
        opts.log.error({ err, topic }, 'fleet listener failed');
      }
    });
    // Before the first CONNACK the error is start()'s to report (one line), not the log's.
    let connected = false;
    client.on('error', (err) => {
      if (connected) opts.log.warn({ err: err.message }, 'broker connection error');
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => {
        client.end(true);
        reject(new Error(`cannot reach the broker ${opts.broker}: ${err.message}`));
      });
    });
    connected = true;
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    // Re-subscribe on reconnect too: with a clean session the broker forgot us.
    const subscribe = () => client.subscribeAsync(fleetSubscriptions(opts.root), { qos: 1 });
    client.on('connect', () => void subscribe().catch(() => undefined));
    await subscribe();
    this.subscribedAt = opts.clock.now();
  }

  /** Waits until the retained snapshot has arrived (see the top of this file). */
  async ready(quietMs = 300, maxWaitMs = 10_000): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (Date.now() < deadline) {
      const last = Math.max(this.lastMessageAt, this.subscribedAt);
      if (this.opts.clock.now() - last >= quietMs) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined);
  }
}
