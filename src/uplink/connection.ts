/**
 * One MQTT connection with our own reconnect policy: capped exponential backoff
 * with jitter (mqtt.js alone retries every second, forever, in lock-step across a fleet).
 *
 * Invariants:
 * - Each attempt uses a fresh mqtt.js client with reconnectPeriod 0 and a clean
 *   session, so mqtt.js keeps no queue of its own: QoS 0 is never queued offline
 *   (queueQoSZero off), and a QoS 1 publish in flight fails when the connection drops,
 *   which sends it back to the durable outbox. The outbox is the only queue.
 * - The last will is `offline`, retained, on `status`.
 * - The broker URL is logged without user name and password (config/secrets.ts).
 */
import { readFile } from 'node:fs/promises';
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient, type IPublishPacket } from 'mqtt';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import { urlForLog } from '../config/secrets.js';

export interface ConnectionOptions {
  url: string;
  clientId: string;
  protocolVersion: 4 | 5;
  keepaliveSeconds: number;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  will: { topic: string; payload: string };
  log: Logger;
  onConnect: (conn: Connection) => Promise<void> | void;
  onDisconnect: () => void;
  onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => void;
}

/** The broker answered with a refusal (MQTT 5 reason code): sending again would not help. */
export class RefusedByBroker extends Error {}

export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  // "Equal jitter": at least half the ceiling, so retries stay spaced, the rest random, so a fleet spreads out.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Connection {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  private lastError = '';
  connected = false;

  constructor(private readonly opts: ConnectionOptions) {}

  get protocolVersion(): 4 | 5 {
    return this.opts.protocolVersion;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (this.connected) {
      // A clean stop says `offline` itself: a disconnect without error sends no will.
      // Bounded: a half-open connection must not hold up the service's stop.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        client.publish(this.opts.will.topic, this.opts.will.payload, { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.connected = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, {}, () => resolve()), 2000);
      client.end(false, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves when the broker acknowledged (QoS 1) or the packet was written (QoS 0); rejects when the connection is lost. */
  publish(topic: string, payload: string | Buffer, options: IClientPublishOptions): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, options, (err) => {
        if (!err) return resolve();
        if (typeof (err as { code?: unknown }).code === 'number') return reject(new RefusedByBroker(err.message));
        reject(err);
      });
    });
  }

  subscribe(topic: string): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      client.subscribe(topic, { qos: 1 }, (err, granted) => {
        if (err) return reject(err);
        if (granted?.some((g) => g.qos >= 128)) return reject(new Error(`broker refused the subscription to ${topic}`));
        resolve();
      });
    });
  }

  private async options(): Promise<IClientOptions> {
    const o = this.opts;
    const read = (f: string | undefined) => (f ? readFile(f) : Promise.resolve(undefined));
    const [ca, cert, key] = await Promise.all([read(o.caFile), read(o.certFile), read(o.keyFile)]);
    return {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      keepalive: o.keepaliveSeconds,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      username: o.username,
      password: o.password,
      ca,
      cert,
      key,
      will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true },
    };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let options: IClientOptions;
    try {
      options = await this.options();
    } catch (err) {
      this.noteError(`cannot read TLS files: ${errorMessage(err)}`);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const client = mqtt.connect(this.opts.url, options);
    this.client = client;
    // Commands and state are small and latency matters more than packet count: no Nagle delay.
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    let closed = false;
    client.on('connect', () => {
      if (this.client !== client) return;
      this.attempt = 0;
      this.connected = true;
      this.lastError = '';
      this.opts.log.info({ url: urlForLog(this.opts.url) }, 'connected to broker');
      Promise.resolve(this.opts.onConnect(this)).catch((err: unknown) => this.opts.log.error({ err }, 'on-connect work failed'));
    });
    client.on('message', (topic, payload, packet) => {
      if (this.client === client) this.opts.onMessage(topic, payload, packet);
    });
    client.on('error', (err) => this.noteError(errorMessage(err)));
    client.on('close', () => {
      if (closed || this.client !== client) return;
      closed = true;
      const was = this.connected;
      this.connected = false;
      if (was) {
        this.opts.log.warn({ url: urlForLog(this.opts.url) }, 'connection to broker lost');
        this.opts.onDisconnect();
      }
      client.end(true);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.opts.reconnectInitialMs, this.opts.reconnectMaxMs);
    this.opts.log.debug({ delay, attempt: this.attempt }, 'reconnecting');
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  /** Log each distinct error once, not once per retry. */
  private noteError(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.opts.log.warn({ url: urlForLog(this.opts.url), error: message }, 'broker connection error');
  }
}
