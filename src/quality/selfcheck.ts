/**
 * The start-of-duty self-check: each channel delivers frames and sound with no media
 * alarm, the evidence disk takes writes (speed and hours left measured), the clock is
 * synchronised, GPS has a fix (when one is fitted), the broker is reachable, the
 * outbox drains, the device key is readable; and whether the evidence sits on an
 * encrypted device (a warning when not: the box still records). It runs at service start, on the
 * `selfcheck` command ('selfcheck.requested') and from `casecam selfcheck`; the result
 * goes out as 'selfcheck.completed' (the uplink publishes it retained on `selfcheck` and
 * as an event) and into the journal. Every failed item names what to do.
 *
 * It only watches the bus and probes the box: it never changes what is recorded.
 */
import { stat } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { AlarmEvent, UplinkStatusEvent } from '../core/events.js';
import type { Journal } from '../evidence/journal.js';
import { PROBE_FPS } from '../media/pipeline-template.js';
import type { SelfCheckConfig } from '../config/quality-schema.js';
import { SelfCheckSchema, type SelfCheckItem, type SelfCheckResult } from '../core/selfcheck-schema.js';
import { atRestProbe, keyProbe, ntpSynchronized, storageProbe } from './selfcheck-probes.js';
import { channelItem, type ChannelProbes } from './selfcheck-channel.js';

export interface SelfCheckDeps {
  bus: Bus;
  clock: Clock;
  log: Logger;
  config: SelfCheckConfig;
  evidenceDir: string;
  keyDir: string;
  journal: Journal;
  channels: () => Array<{ id: string; ok: boolean }>;
  /** Which health samples each channel's template produces. */
  probes: () => Promise<ChannelProbes[]>;
  /** The serial GPS device, when one is configured. */
  gpsDevice?: string;
}

interface Watch {
  video: Map<string, number>;
  audio: Map<string, number>;
  bytes: number;
  gpsFixes: number;
  uplink: UplinkStatusEvent[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SelfCheck {
  readonly name = 'selfcheck';
  private readonly off: Array<() => void> = [];
  private readonly alarms = new Map<string, AlarmEvent>();
  private watch: Watch | undefined;
  private lastUplink: UplinkStatusEvent | undefined;
  private running: Promise<SelfCheckResult> | undefined;
  private stopped = false;
  last: SelfCheckResult | undefined;

  constructor(private readonly deps: SelfCheckDeps) {}

  start(): void {
    const { bus } = this.deps;
    this.stopped = false;
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    this.off.push(
      bus.on('alarm.raised', (a) => void this.alarms.set(`${a.kind}\u0000${a.subject}`, a)),
      bus.on('alarm.cleared', (a) => void this.alarms.delete(`${a.kind}\u0000${a.subject}`)),
      bus.on('media.health', (s) => {
        if (s.video && this.watch) count(this.watch.video, s.channel);
        if (s.audio && this.watch) count(this.watch.audio, s.channel);
      }),
      bus.on('segment.closed', async (seg) => {
        const w = this.watch;
        if (w) w.bytes += (await stat(seg.file).catch(() => ({ size: 0 }))).size;
      }),
      bus.on('gps.fix', () => void (this.watch && this.watch.gpsFixes++)),
      bus.on('uplink.status', (u) => {
        this.lastUplink = u;
        this.watch?.uplink.push(u);
      }),
      bus.on('selfcheck.requested', (r) => {
        this.run(r.trigger).catch((err: unknown) => (this.stopped ? this.deps.log.debug({ err }, 'self-check abandoned') : this.deps.log.error({ err }, 'self-check failed to run')));
      }),
    );
    if (this.deps.config.atStart) bus.emit('selfcheck.requested', { trigger: 'start' });
  }

  /** A check still watching is abandoned: its result would describe a service going down. */
  stop(): void {
    this.stopped = true;
    for (const off of this.off.splice(0)) off();
  }

  /** Run the check; runs never overlap (a request during a run waits for it, then runs its own). */
  run(trigger: SelfCheckResult['trigger']): Promise<SelfCheckResult> {
    const run = (this.running ?? Promise.resolve(undefined)).catch(() => undefined).then(() => this.check(trigger));
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    }).catch(() => undefined);
    return run;
  }

  private async check(trigger: SelfCheckResult['trigger']): Promise<SelfCheckResult> {
    const { deps } = this;
    const cfg = deps.config;
    const startedAt = deps.clock.now();
    const grace = startedAt + cfg.startGraceSeconds * 1000;
    while (!this.stopped && deps.clock.now() < grace && !deps.channels().every((c) => c.ok)) await sleep(200);
    const watch: Watch = { video: new Map(), audio: new Map(), bytes: 0, gpsFixes: 0, uplink: this.lastUplink ? [this.lastUplink] : [] };
    this.watch = watch;
    deps.bus.emit('uplink.status.requested', {});
    const windowMs = cfg.windowSeconds * 1000;
    const [key, ntp, encrypted] = await Promise.all([keyProbe(deps.keyDir), ntpSynchronized(), atRestProbe(deps.evidenceDir), sleep(windowMs)]);
    deps.bus.emit('uplink.status.requested', {});
    this.watch = undefined;
    if (this.stopped) throw new Error('service stopping: self-check abandoned');
    const bps = watch.bytes > 0 ? watch.bytes / cfg.windowSeconds : null;
    const storage = await storageProbe(deps.evidenceDir, bps, cfg.minHoursLeft);
    const alarms = [...this.alarms.values()];
    const probes = await deps.probes();
    const items: SelfCheckItem[] = deps.channels().map((c) =>
      channelItem({
        id: c.id,
        ok: c.ok,
        probes: probes.find((p) => p.id === c.id),
        videoSamples: watch.video.get(c.id) ?? 0,
        audioSamples: watch.audio.get(c.id) ?? 0,
        expectedVideo: PROBE_FPS * cfg.windowSeconds,
        expectedAudio: 2 * cfg.windowSeconds,
        alarms: alarms.filter((a) => a.subject === c.id),
      }),
    );
    items.push(storage, encrypted, this.clockItem(alarms, ntp, watch.gpsFixes), this.gpsItem(watch.gpsFixes), ...this.uplinkItems(watch.uplink), key);
    const result = SelfCheckSchema.parse({ ok: items.every((i) => i.status !== 'fail'), trigger, startedAt, ts: deps.clock.now(), items });
    this.last = result;
    await deps.journal
      .append('selfcheck', { ok: result.ok, trigger, failed: items.filter((i) => i.status === 'fail').map((i) => i.name) })
      .catch((err: unknown) => deps.log.error({ err }, 'self-check not journaled'));
    deps.log[result.ok ? 'info' : 'warn']({ ok: result.ok, failed: items.filter((i) => i.status === 'fail').map((i) => `${i.name}: ${i.detail}`) }, 'self-check done');
    deps.bus.emit('selfcheck.completed', result);
    return result;
  }

  private clockItem(alarms: AlarmEvent[], ntp: boolean | null, gpsFixes: number): SelfCheckItem {
    const wrong = alarms.find((a) => a.kind === 'clock.wrong');
    if (wrong) return { name: 'clock', status: 'fail', detail: wrong.message, action: 'set the clock from GPS or NTP before recording: footage times would be wrong' };
    if (gpsFixes > 0) return { name: 'clock', status: 'ok', detail: 'checked against GPS time' };
    if (ntp === true) return { name: 'clock', status: 'ok', detail: 'synchronised by NTP' };
    return {
      name: 'clock',
      status: 'warn',
      detail: ntp === false ? 'not synchronised (NTP) and no GPS time' : 'synchronisation unknown (no systemd time service, no GPS time)',
      action: 'check the network reaches an NTP server, or fit a GPS receiver',
    };
  }

  private gpsItem(fixes: number): SelfCheckItem {
    const dev = this.deps.gpsDevice;
    if (!dev) return { name: 'gps', status: 'skipped', detail: 'no GPS receiver configured' };
    if (fixes > 0) return { name: 'gps', status: 'ok', detail: `${fixes} fixes`, figures: { fixes } };
    return { name: 'gps', status: 'fail', detail: `no GPS fix from ${dev}`, action: `check the receiver on ${dev} is connected and its antenna sees the sky` };
  }

  private uplinkItems(seen: UplinkStatusEvent[]): SelfCheckItem[] {
    const last = seen[seen.length - 1];
    if (!last) return [{ name: 'broker', status: 'skipped', detail: 'no MQTT uplink in this process' }, { name: 'outbox', status: 'skipped', detail: 'no MQTT uplink' }];
    const broker: SelfCheckItem = seen.some((u) => u.connected)
      ? { name: 'broker', status: 'ok', detail: `connected to ${last.url}` }
      : { name: 'broker', status: 'fail', detail: `broker ${last.url} not reachable`, action: 'check the network, the broker address (mqtt.url or --broker), the credentials and certificates; reports wait in the outbox meanwhile' };
    const first = seen[0]!;
    let outbox: SelfCheckItem;
    if (last.outboxDepth === 0) outbox = { name: 'outbox', status: 'ok', detail: 'empty', figures: { depth: 0 } };
    else if (!last.connected) outbox = { name: 'outbox', status: 'warn', detail: `${last.outboxDepth} reports waiting for the broker`, action: 'they leave once the broker is reachable', figures: { depth: last.outboxDepth } };
    else if (first.connected && last.outboxDepth >= first.outboxDepth && first.outboxDepth > 0) {
      outbox = { name: 'outbox', status: 'fail', detail: `${last.outboxDepth} reports not draining although connected`, action: "check the broker accepts this device's publications (ACL, quotas); see the log", figures: { depth: last.outboxDepth } };
    } else outbox = { name: 'outbox', status: 'ok', detail: `draining (${last.outboxDepth} left)`, figures: { depth: last.outboxDepth } };
    return [broker, outbox];
  }
}
