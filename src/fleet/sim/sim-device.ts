/**
 * One simulated device: its own MQTT connection (so its own last will: the broker, not
 * the simulator, announces it offline when the connection dies), speaking the real
 * contract: retained status/state/inventory on every connect, health on its period,
 * events for cases, markers, gaps and alarms. Driven by `tick(now)` from the simulator's
 * one shared timer (1,000 devices, one timer, not 5,000).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Prng } from './prng.js';
import { eventPayload, healthPayload, inventoryPayload, statePayload, type SimProfile, type SimState } from './sim-payloads.js';

export type Activity = 'mixed' | 'idle' | 'recording';

export interface SimDeviceOptions {
  broker: string;
  root: string;
  healthMs: number;
  /** Multiplies the per-second chances of cases, alarms and disconnects (mixed activity). */
  rate: number;
}

/** Per-second chances in `mixed` activity (before `rate`). */
const P = { open: 1 / 900, close: 1 / 600, marker: 1 / 180, gap: 1 / 3600, alarm: 1 / 5400, clear: 1 / 120, drop: 1 / 14_400, confirm: 1 / 300 };
const PENDING_MAX = 200;

export class SimDevice {
  client: MqttClient | undefined;
  readonly state: SimState;
  private seq = 0;
  private nextHealth: number;
  private cases = 0;
  private pending: Array<{ topic: string; payload: string; retain: boolean }> = [];
  /** Closed cases queued for offload, confirmed by the "centre" one at a time. */
  private readonly offloadQueue: string[] = [];
  published = 0;
  connects = 0;
  private stopped = false;

  constructor(
    readonly profile: SimProfile,
    private readonly rng: Prng,
    private readonly opts: SimDeviceOptions,
    now: number,
  ) {
    this.state = {
      caseId: null,
      caseSince: null,
      officerId: null,
      trigger: null,
      channelsDown: new Set(),
      alarms: [],
      freeBytes: rng.chance(0.05) ? rng.int(5e8, 2e9) : rng.int(5e10, 4e11),
      outboxDepth: 0,
      bytesPerSecond: 250_000 * profile.channels.length,
      gps: { lat: profile.home.lat, lon: profile.home.lon, fix: rng.chance(0.95) },
      startedAt: now,
    };
    // Spread health over the period so 1,000 devices do not report in the same second.
    this.nextHealth = now + rng.int(0, opts.healthMs);
  }

  private topic(t: string): string {
    return `${this.opts.root}/${this.profile.deviceId}/${t}`;
  }

  /** Connects; resolves on the first CONNACK (or rejects on the first error). */
  connect(): Promise<void> {
    const client = mqtt.connect(this.opts.broker, {
      clientId: `casecam-${this.profile.deviceId}`,
      protocolVersion: 5,
      clean: true,
      keepalive: 30,
      // A jittered reconnect, like the device, so a fleet coming back spreads out.
      reconnectPeriod: 1000 + this.rng.int(0, 3000),
      connectTimeout: 30_000,
      queueQoSZero: false,
      will: { topic: this.topic('status'), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      this.connects++;
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      const now = Date.now();
      this.send('status', 'online', true);
      this.send('state', JSON.stringify(statePayload(this.profile, this.state, now)), true);
      this.send('inventory', JSON.stringify(inventoryPayload(this.profile, now)), true);
      this.send('health', JSON.stringify(healthPayload(this.profile, this.state, now)), false);
      for (const p of this.pending.splice(0)) this.publish(p.topic, p.payload, p.retain);
    });
    client.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
  }

  private send(sub: string, payload: string, retain: boolean): void {
    this.publish(this.topic(sub), payload, retain);
  }

  private publish(topic: string, payload: string, retain: boolean): void {
    if (!this.client?.connected) {
      // Snapshots are re-sent on connect; only events wait (a real device keeps them in its outbox).
      if (topic.endsWith('/events') && this.pending.length < PENDING_MAX) this.pending.push({ topic, payload, retain });
      return;
    }
    this.published++;
    this.client.publish(topic, payload, { qos: 1, retain });
  }

  private event(type: string, now: number, fields: Record<string, unknown> = {}): void {
    this.send('events', JSON.stringify(eventPayload(this.profile.deviceId, ++this.seq, type, now, fields)), false);
  }

  private publishState(now: number): void {
    this.send('state', JSON.stringify(statePayload(this.profile, this.state, now)), true);
  }

  openCase(now: number): void {
    const s = this.state;
    if (s.caseId) return;
    this.cases++;
    const n = this.profile.deviceId.replace(/\D/g, '');
    s.caseId = this.profile.kind === 'counter' ? `许可〔2026〕${n}-${this.cases}号` : `淮交罚〔2026〕${n}-${this.cases}号`;
    s.caseSince = now;
    s.trigger = this.profile.kind === 'counter' ? 'application.accepted' : 'investigation.started';
    s.officerId = `警号${1000 + this.rng.int(0, 9000)}`;
    this.event('case.opened', now, { caseId: s.caseId, at: now, trigger: s.trigger, source: 'sim', officerId: s.officerId, windowStart: now - 30_000 });
    this.publishState(now);
  }

  closeCase(now: number, gaps = 0): void {
    const s = this.state;
    if (!s.caseId) return;
    this.event('case.closed', now, { caseId: s.caseId, at: now, trigger: 'documents.served', segments: Math.max(1, Math.round((now - s.caseSince!) / 2000)), gaps });
    this.event('offload.queued', now, { caseId: s.caseId, category: 'enforcement', incident: false, at: now });
    this.offloadQueue.push(s.caseId);
    s.caseId = null;
    s.caseSince = null;
    s.trigger = null;
    this.publishState(now);
  }

  raiseAlarm(now: number, kind = this.rng.pick(['violent-resistance', 'emergency', 'video.lost', 'storage.failure'])): void {
    if (this.state.alarms.some((a) => a.kind === kind)) return;
    const alarm = { kind, subject: kind === 'video.lost' ? this.profile.channels[0]! : 'operator', message: kind === 'violent-resistance' ? '暴力抗法' : kind, at: now };
    this.state.alarms.push(alarm);
    this.event('alarm.raised', now, alarm);
    this.send('health', JSON.stringify(healthPayload(this.profile, this.state, now)), false);
  }

  clearAlarms(now: number): void {
    for (const a of this.state.alarms.splice(0)) this.event('alarm.cleared', now, { ...a, at: now });
    this.send('health', JSON.stringify(healthPayload(this.profile, this.state, now)), false);
  }

  /** Drops the TCP connection without DISCONNECT: the broker publishes the last will; mqtt.js reconnects. */
  dropConnection(): void {
    (this.client?.stream as { destroy?: () => void } | undefined)?.destroy?.();
  }

  tick(now: number, activity: Activity): void {
    if (this.stopped) return;
    const s = this.state;
    const r = this.opts.rate;
    if (now >= this.nextHealth) {
      this.nextHealth = now + this.opts.healthMs;
      if (s.caseId) s.freeBytes = Math.max(0, s.freeBytes - s.bytesPerSecond * (this.opts.healthMs / 1000));
      if (this.profile.kind === 'vehicle') s.gps = { ...s.gps, lat: s.gps.lat + (this.rng.next() - 0.5) * 0.002, lon: s.gps.lon + (this.rng.next() - 0.5) * 0.002 };
      this.send('health', JSON.stringify(healthPayload(this.profile, s, now)), false);
    }
    if (activity === 'idle') return;
    if (activity === 'recording') {
      if (!s.caseId) this.openCase(now);
      else if (this.rng.chance(P.marker)) this.event('case.marker', now, { caseId: s.caseId, at: now, type: 'inquiry' });
      return;
    }
    if (!s.caseId && this.rng.chance(P.open * r)) this.openCase(now);
    else if (s.caseId && this.rng.chance(P.close * r)) this.closeCase(now, 0);
    else if (s.caseId && this.rng.chance(P.marker * r)) this.event('case.marker', now, { caseId: s.caseId, at: now, type: 'inquiry' });
    else if (s.caseId && this.rng.chance(P.gap * r)) this.event('recording.gap', now, { channel: this.profile.channels[0], from: now - 4000, to: now, cause: 'media lost (simulated)' });
    if (!s.alarms.length && this.rng.chance(P.alarm * r)) this.raiseAlarm(now);
    else if (s.alarms.length && this.rng.chance(P.clear * r)) this.clearAlarms(now);
    if (this.rng.chance(P.drop * r)) this.dropConnection();
    if (this.offloadQueue.length && this.rng.chance(P.confirm * r)) this.event('offload.confirmed', now, { caseId: this.offloadQueue.shift(), at: now });
  }

  /** A clean stop, as the device does it: `offline` retained, then DISCONNECT (no will). */
  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    if (!c) return;
    if (c.connected) await c.publishAsync(this.topic('status'), 'offline', { qos: 1, retain: true }).catch(() => undefined);
    await c.endAsync().catch(() => undefined);
  }
}
