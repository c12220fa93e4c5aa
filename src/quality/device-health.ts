/**
 * Device alarms the recorder did not raise yet:
 * - `device.temperature` (subject `cpu`): the CPU/board sensor above
 *   `deviceHealth.temperatureMaxC`, cleared 5 °C below it. No sensor (a VM): no alarm.
 * - `encoder.behind` (subject: the channel): a segment reported closed more than
 *   `encoderMaxLagSeconds` after the wall time its media ends, twice running: the
 *   pipeline cannot keep up with real time (the live source then drops frames). Cleared
 *   after two segments within half that lag.
 * - `storage.failure` (raised by sealing when a move, fsync or write fails) is cleared
 *   here once a segment is sealed again.
 * Readings come from the bus and an injected probe, so tests can drive them.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { DeviceHealthConfig } from '../config/quality-schema.js';

export interface DeviceHealthDeps {
  bus: Bus;
  clock: Clock;
  log: Logger;
  config: DeviceHealthConfig;
  /** °C, or null without a sensor. */
  temperature?: () => Promise<number | null>;
}

const siTemperature = async (): Promise<number | null> => {
  // Loaded at the first reading, not at the service's start (~0.1–0.2 s of imports).
  const { default: si } = await import('systeminformation');
  const t = await si.cpuTemperature().catch(() => undefined);
  return typeof t?.main === 'number' && Number.isFinite(t.main) ? t.main : null;
};

export class DeviceHealth {
  readonly name = 'device-health';
  private readonly off: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private hot = false;
  private storageFailed = false;
  private readonly lag = new Map<string, { over: number; under: number; raised: boolean }>();

  constructor(private readonly deps: DeviceHealthDeps) {}

  start(): void {
    const { bus, config } = this.deps;
    this.off.push(
      bus.on('alarm.raised', (a) => {
        if (a.kind === 'storage.failure') this.storageFailed = true;
      }),
      bus.on('segment.sealed', () => {
        if (!this.storageFailed) return;
        this.storageFailed = false;
        bus.emit('alarm.cleared', { kind: 'storage.failure', subject: 'evidence', message: 'segments are sealed again', at: this.deps.clock.now() });
      }),
      bus.on('segment.closed', (seg) => {
        if (seg.end !== undefined && !seg.partial) this.onLag(seg.channel, this.deps.clock.now() - seg.end);
      }),
    );
    this.timer = setInterval(() => void this.checkTemperature(), config.temperatureCheckSeconds * 1000);
    this.timer.unref();
    void this.checkTemperature();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const off of this.off.splice(0)) off();
  }

  async checkTemperature(): Promise<void> {
    const { bus, clock, config } = this.deps;
    const c = await (this.deps.temperature ?? siTemperature)().catch(() => null);
    if (c === null) return;
    if (!this.hot && c > config.temperatureMaxC) {
      this.hot = true;
      bus.emit('alarm.raised', { kind: 'device.temperature', subject: 'cpu', message: `${c} °C, above ${config.temperatureMaxC} °C: check ventilation; the encoder may fall behind`, at: clock.now() });
    } else if (this.hot && c <= config.temperatureMaxC - 5) {
      this.hot = false;
      bus.emit('alarm.cleared', { kind: 'device.temperature', subject: 'cpu', message: `${c} °C`, at: clock.now() });
    }
  }

  private onLag(channel: string, lagMs: number): void {
    const { bus, clock, config } = this.deps;
    const max = config.encoderMaxLagSeconds * 1000;
    const s = this.lag.get(channel) ?? { over: 0, under: 0, raised: false };
    this.lag.set(channel, s);
    s.over = lagMs > max ? s.over + 1 : 0;
    s.under = lagMs < max / 2 ? s.under + 1 : 0;
    if (!s.raised && s.over >= 2) {
      s.raised = true;
      bus.emit('alarm.raised', { kind: 'encoder.behind', subject: channel, message: `segments close ${(lagMs / 1000).toFixed(1)} s after their media: the pipeline cannot keep up with real time`, at: clock.now() });
    } else if (s.raised && s.under >= 2) {
      s.raised = false;
      bus.emit('alarm.cleared', { kind: 'encoder.behind', subject: channel, message: 'keeping up again', at: clock.now() });
    }
  }
}
