/**
 * The MQTT uplink subsystem: one connection, the durable outbox, the command
 * dispatcher and the publishers of status, state, inventory, health and events.
 *
 * What goes where, and why:
 * - events, health and command replies go through the outbox: each one matters on
 *   its own (health the least: it is dropped first when the outbox is full).
 * - status, state and inventory are retained snapshots: only the latest matters, so
 *   they are published directly and again on every (re)connect, never queued stale
 *   behind a backlog that would overwrite a fresh state with an old one.
 */
import type { IPublishPacket } from 'mqtt';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { BusEvents } from '../core/events.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { DeviceState } from '../recording/device-state.js';
import type { StorageStatus } from '../evidence/retention.js';
import type { CommandContext } from './commands/context.js';
import type { MqttConfig } from '../config/uplink-schema.js';
import { Connection } from './connection.js';
import { Outbox, type DropReport } from './outbox.js';
import type { OutboxItem } from '../store/outbox-record.js';
import { CommandDispatcher } from './commands/dispatcher.js';
import type { ClaimHandler, OffloadCommands } from './commands/context.js';
import { AlarmTracker } from './alarm-tracker.js';
import { RecordingRate } from './recording-rate.js';
import { healthReport, type GpsProvider } from './health-report.js';
import { inventoryReport } from './inventory-report.js';
import { requirePrivateFile } from '../core/private-file.js';
import { isCasecamError } from '../core/errors.js';
import { FORWARDED } from './forwarded-events.js';
import { EventSchema, ReplySchema, StateSchema, type Reply } from './payloads.js';
import { deviceTopics, isAllowedResponseTopic, type DeviceTopics } from './topics.js';
import { SelfCheckSchema, type SelfCheckResult } from '../core/selfcheck-schema.js';

export interface UplinkDeps {
  config: Config;
  /** The resolved `mqtt` section with the broker URL to use. */
  mqtt: MqttConfig & { url: string };
  sessions: CommandContext['sessions'];
  state: () => DeviceState;
  /** Live view: the `live.start`/`live.stop` commands, and bytes sent for health. */
  live?: CommandContext['live'] & { bytesSent(): number };
  /** The outbox's LevelDB table. */
  outboxTable: Store['outbox'];
  evidenceDir: string;
  /** The storage budget's figures, when retention runs under one. */
  storage?: () => StorageStatus | undefined;
  /** The device's evidence key, published in the inventory for `casecam registry accept`. */
  deviceKey?: { fingerprint: string; publicPem: string };
  bus: Bus;
  clock: Clock;
  log: Logger;
  gps?: GpsProvider;
  claim?: ClaimHandler;
  offload?: OffloadCommands;
}


export class Uplink {
  readonly name = 'mqtt-uplink';
  readonly phase = 'report' as const;
  readonly topics: DeviceTopics;
  outbox!: Outbox;
  private conn: Connection | undefined;
  private dispatcher: CommandDispatcher;
  private readonly alarms: AlarmTracker;
  private readonly rate: RecordingRate;
  private readonly off: Array<() => void> = [];
  private healthTimer: NodeJS.Timeout | undefined;
  /** The last state published on this connection (without its timestamp), to skip repeats. */
  private lastState = '';
  private healthRunning: Promise<void> | undefined;
  private readonly startedAt: number;
  private stopping = false;

  constructor(private readonly deps: UplinkDeps) {
    this.topics = deviceTopics(deps.mqtt.topicRoot, deps.config.deviceId);
    this.startedAt = deps.clock.now();
    this.alarms = new AlarmTracker(deps.bus, () => void this.publishHealth());
    this.rate = new RecordingRate(deps.bus, deps.clock);
    this.dispatcher = new CommandDispatcher(
      {
        sessions: deps.sessions,
        state: deps.state,
        live: deps.live,
        bus: deps.bus,
        clock: deps.clock,
        claim: deps.claim,
        offload: deps.offload,
      },
      deps.log,
    );
  }

  async start(): Promise<void> {
    const { deps } = this;
    const m = deps.mqtt;
    this.stopping = false;
    this.outbox = new Outbox({
      table: deps.outboxTable,
      clock: deps.clock,
      log: deps.log,
      limits: { maxBytes: m.outbox.maxBytes, maxAgeMs: m.outbox.maxAgeSeconds * 1000, window: m.outbox.window },
      onDrop: (r) => void this.reportDrop(r).catch((err: unknown) => this.deps.log.error({ err }, 'cannot queue an outbox.dropped event')),
    });
    // Refuse to run with a TLS key others can read (before anything is started).
    if (m.keyFile) await requirePrivateFile(m.keyFile, 'mqtt.keyFile');
    await this.outbox.start();
    for (const type of FORWARDED) this.off.push(deps.bus.on(type, (e) => this.forward(type, e)));
    for (const type of ['case.opened', 'case.closed', 'osd.changed', 'channel.state', 'live.started', 'live.stopped', 'live.failed'] as const) {
      this.off.push(deps.bus.on(type, () => this.stateChanged()));
    }
    this.off.push(
      deps.bus.on('selfcheck.completed', (r) => this.publishSelfCheck(r)),
      deps.bus.on('uplink.status.requested', () => this.emitStatus()),
    );
    this.alarms.start();
    this.rate.start();
    this.conn = new Connection({
      url: m.url,
      clientId: `casecam-${deps.config.deviceId}`,
      protocolVersion: m.protocolVersion,
      keepaliveSeconds: m.keepaliveSeconds,
      username: m.username,
      password: m.password,
      caFile: m.caFile,
      certFile: m.certFile,
      keyFile: m.keyFile,
      reconnectInitialMs: m.reconnectInitialMs,
      reconnectMaxMs: m.reconnectMaxMs,
      will: { topic: this.topics.status, payload: 'offline' },
      log: deps.log.child({ subsystem: 'mqtt' }),
      onConnect: (c) => this.onConnect(c),
      onDisconnect: () => {
        this.outbox.detach();
        this.emitStatus();
      },
      onMessage: (topic, payload, packet) => this.onMessage(topic, payload, packet),
    });
    this.conn.start();
    this.emitStatus();
    this.healthTimer = setInterval(() => void this.publishHealth(), m.healthSeconds * 1000);
    this.healthTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    for (const off of this.off.splice(0)) off();
    this.alarms.stop();
    this.rate.stop();
    await this.healthRunning;
    this.outbox.detach();
    await this.conn?.stop();
    await this.outbox.stop();
  }

  get connected(): boolean {
    return this.conn?.connected === true;
  }

  /** Publish a health report now (also every healthSeconds and when an alarm changes). */
  publishHealth(): Promise<void> {
    if (this.healthRunning || this.stopping) return this.healthRunning ?? Promise.resolve();
    const { deps } = this;
    this.healthRunning = healthReport({
      clock: deps.clock,
      startedAt: this.startedAt,
      evidenceDir: deps.evidenceDir,
      state: deps.state,
      outbox: () => ({ depth: this.outbox.depth(), bytes: this.outbox.bytes(), dropped: { ...this.outbox.dropped } }),
      rate: this.rate,
      alarms: () => this.alarms.list(),
      gps: deps.gps,
      storage: deps.storage,
      offload: deps.offload ? () => deps.offload!.health() : undefined,
      liveBytesSent: () => deps.live?.bytesSent() ?? 0,
    })
      .then((h) => this.outbox.enqueue({ topic: this.topics.health, payload: JSON.stringify(h), qos: 1, retain: false, priority: 'telemetry' }))
      .then(() => undefined)
      .catch((err: unknown) => deps.log.error({ err }, 'health report failed'))
      .finally(() => (this.healthRunning = undefined));
    return this.healthRunning;
  }

  /** Snapshots first (online, state, inventory), then the outbox, even if a snapshot failed: events must never wait on them. */
  private async onConnect(conn: Connection): Promise<void> {
    const { deps } = this;
    await conn.subscribe(this.topics.cmd).catch((err: unknown) => deps.log.error({ err }, 'cannot subscribe to commands'));
    const retained = { qos: 1 as const, retain: true };
    try {
      await conn.publish(this.topics.status, 'online', retained);
      this.lastState = '';
      await this.publishState();
      const inventory = await inventoryReport(deps.config, deps.evidenceDir, deps.clock, undefined, deps.deviceKey);
      await conn.publish(this.topics.inventory, JSON.stringify(inventory), retained);
    } catch (err) {
      deps.log.warn({ err }, 'retained snapshots not all published on connect');
    }
    if (conn !== this.conn || !conn.connected) return;
    this.outbox.attach((item) => this.send(conn, item));
    this.emitStatus();
    void this.publishHealth();
  }

  /** For the self-check: whether the broker is reachable and the outbox drains. */
  private emitStatus(): void {
    if (!this.outbox) return;
    this.deps.bus.emit('uplink.status', { connected: this.connected, url: this.deps.mqtt.url, outboxDepth: this.outbox.depth() });
  }

  /** The last self-check, retained, through the outbox so an outage does not lose it. */
  private async publishSelfCheck(r: SelfCheckResult): Promise<void> {
    await this.outbox.enqueue({ topic: this.topics.selfcheck, payload: JSON.stringify(SelfCheckSchema.parse(r)), qos: 1, retain: true, priority: 'normal' });
  }

  private async send(conn: Connection, item: OutboxItem): Promise<void> {
    const properties = item.correlationData !== undefined ? { correlationData: Buffer.from(item.correlationData, 'base64') } : undefined;
    try {
      await conn.publish(item.topic, item.payload, { qos: item.qos, retain: item.retain, properties });
    } catch (err) {
      if (!isCasecamError(err, 'refused-by-broker')) throw err;
      // The broker said no (e.g. not authorised): sending again would loop forever.
      this.deps.log.error({ topic: item.topic, seq: item.seq, error: err.message }, 'broker refused a message; dropped');
    }
  }

  /**
   * Published at once, inside the bus listener: the packet is written before whatever
   * the recorder does next (sealing the pre-record), which keeps command → state fast.
   */
  private stateChanged(): void {
    void this.publishState().catch((err: unknown) => this.deps.log.debug({ err }, 'state not published (offline)'));
  }

  private async publishState(): Promise<void> {
    if (!this.conn?.connected) return;
    const current = this.deps.state();
    const key = JSON.stringify(current);
    if (key === this.lastState) return;
    this.lastState = key;
    const state = StateSchema.parse({ ...current, ts: this.deps.clock.now() });
    await this.conn.publish(this.topics.state, JSON.stringify(state), { qos: 1, retain: true });
  }

  private forward<K extends (typeof FORWARDED)[number]>(type: K, e: BusEvents[K]): Promise<void> {
    const { deps } = this;
    return this.outbox
      .enqueue((seq) => {
        const event = EventSchema.parse({ ...e, id: `${deps.config.deviceId}-${seq}`, seq, ts: deps.clock.now(), type });
        return { topic: this.topics.events, payload: JSON.stringify(event), qos: 1, retain: false, priority: 'critical' };
      })
      .then(() => undefined);
  }

  private async reportDrop(r: DropReport): Promise<void> {
    await this.outbox.enqueue((seq) => {
      const event = { id: `${this.deps.config.deviceId}-${seq}`, seq, ts: this.deps.clock.now(), type: 'outbox.dropped', ...r };
      return { topic: this.topics.events, payload: JSON.stringify(event), qos: 1, retain: false, priority: 'normal' };
    });
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (topic !== this.topics.cmd) return;
    const prefix = this.deps.mqtt.responseTopicPrefix ?? this.topics.reply;
    let responseTopic = packet.properties?.responseTopic;
    let refuseResponseTopic: string | undefined;
    if (responseTopic !== undefined && !isAllowedResponseTopic(responseTopic, prefix)) {
      refuseResponseTopic = `response topic ${JSON.stringify(responseTopic.slice(0, 100))} is not allowed: it must be ${prefix} or below it`;
      responseTopic = undefined;
    }
    const correlation = packet.properties?.correlationData;
    void this.dispatcher
      .handle(payload, { retained: packet.retain, refuseResponseTopic })
      .then(async (reply) => {
        this.stateChanged();
        await this.reply(reply, responseTopic, correlation);
      })
      .catch((err: unknown) => this.deps.log.error({ err }, 'cannot queue a command reply'));
  }

  private async reply(reply: Reply, responseTopic: string | undefined, correlation: Buffer | undefined): Promise<void> {
    const payload = JSON.stringify(ReplySchema.parse(reply));
    const item = { payload, qos: 1 as const, retain: false, priority: 'normal' as const };
    await this.outbox.enqueue({ ...item, topic: this.topics.reply });
    // Only an allowed topic gets here (onMessage refused the others).
    if (responseTopic && responseTopic !== this.topics.reply) {
      await this.outbox.enqueue({ ...item, topic: responseTopic, correlationData: correlation?.toString('base64') });
    }
  }
}
