/**
 * Builds the field-hardware subsystems from the config: the counter button, the
 * recording lamp and buzzer (onoff, or the simulated twin with --simulate), the
 * serial GPS and the serial barcode scanner. The composition root adds them to the
 * App; they reach the recorder only through its sessions, bus and position hook.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import type { Recorder } from '../recorder.js';
import type { Subsystem } from '../app.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { SimInput, SimOutput } from '../../simulator/twins/sim-gpio.js';
import type { DigitalInput, DigitalOutput } from './digital-io.js';
import { openOnoffInput, openOnoffOutput } from './onoff-io.js';
import { loadBoardProfile } from './board-profile.js';
import { GpioConfigSchema, SerialConfigSchema, type GpioLineConfig } from './hw-config.js';
import { TriggerActions } from './trigger-actions.js';
import { CounterButton } from './counter-button.js';
import { RecordingIndicators } from './recording-indicators.js';
import { GpsSource, type GpsHealth } from './gps-source.js';
import { GpsTrack } from './gps-track.js';
import { ScannerSource } from './scanner-source.js';

export interface FieldHardwareOptions {
  config: Config;
  log: Logger;
  recorder: Recorder;
  /** Use the simulated GPIO twin instead of onoff. */
  simulateGpio: boolean;
}

export class FieldHardware {
  readonly subsystems: Subsystem[] = [];
  readonly actions: TriggerActions;
  gps: GpsSource | undefined;
  scanner: ScannerSource | undefined;
  indicators: RecordingIndicators | undefined;
  /** The simulated button, lamp and buzzer when GPIO is simulated. */
  readonly sim = { button: new SimInput(), lamp: new SimOutput(), buzzer: new SimOutput() };

  constructor(private readonly opts: FieldHardwareOptions) {
    const { config, log, recorder } = opts;
    this.actions = new TriggerActions(() => recorder.sessions, log.child({ hw: 'trigger' }));
    const gpio = config.gpio ?? GpioConfigSchema.parse({});
    const serial = config.serial ?? SerialConfigSchema.parse({});
    const hasGpio = opts.simulateGpio || gpio.board !== undefined || gpio.button !== undefined || gpio.lamp !== undefined;
    if (hasGpio) {
      this.subsystems.push(
        this.guarded(new CounterButton({
          input: () => this.input('button'),
          actions: this.actions,
          log: log.child({ hw: 'button' }),
          debounceMs: gpio.debounceMs,
          longPressMs: gpio.longPressSeconds * 1000,
        })),
      );
      this.indicators = new RecordingIndicators({
        bus: recorder.bus,
        log: log.child({ hw: 'lamp' }),
        recording: () => (recorder.sessions?.activeCases().length ?? 0) > 0,
        lamp: () => this.output('lamp'),
        buzzer: () => this.output('buzzer'),
        reminderSeconds: gpio.reminderSeconds,
        now: () => recorder.clock.now(),
      });
      this.subsystems.push(this.guarded(this.indicators));
    }
    if (serial.gps) {
      const track = new GpsTrack({
        store: () => recorder.store,
        log,
        activeWindows: () => recorder.sessions?.activeCases() ?? [],
        keepMs: (config.recording.preRecordSeconds + 10) * 1000,
      });
      this.gps = new GpsSource({
        ...serial.gps,
        bus: recorder.bus,
        log: log.child({ hw: 'gps' }),
        clock: recorder.clock,
        track,
        lostAfterSeconds: serial.gpsLostSeconds,
        clockMaxOffsetSeconds: serial.clockMaxOffsetSeconds,
      });
      const gps = this.gps;
      recorder.position = () => gps.position();
      this.subsystems.push(gps);
    }
    if (serial.scanner) {
      this.scanner = new ScannerSource({ ...serial.scanner, log: log.child({ hw: 'scanner' }), actions: this.actions });
      this.subsystems.push(this.scanner);
    }
  }

  /**
   * A GPIO line that cannot be opened (no such chip, no permission) raises the
   * `gpio.failed` alarm instead of stopping the service: recording goes on, and cases
   * can still be opened by scanner or MQTT command.
   */
  private guarded(s: Subsystem): Subsystem {
    const { log, recorder } = this.opts;
    return {
      name: s.name,
      start: async () => {
        try {
          await s.start();
        } catch (err) {
          const message = `${s.name} unavailable: ${errorMessage(err)}`;
          log.error({ subsystem: s.name, error: errorMessage(err) }, message);
          recorder.bus.emit('alarm.raised', { kind: 'gpio.failed', subject: s.name, message, at: recorder.clock.now() });
        }
      },
      stop: () => s.stop(),
    };
  }

  /** Counters of every serial device and the lamp, for health or diagnostics. */
  status() {
    return {
      gps: this.gps ? { ...this.gps.counters(), clockOffsetMs: this.gps.clockOffsetMs() ?? null } : undefined,
      scanner: this.scanner ? { serial: this.scanner.line.stats, rejected: this.scanner.rejected } : undefined,
      lampLit: this.indicators?.lampLit,
    };
  }

  /** The `gps` object of the health report; undefined when no GPS is configured. */
  gpsHealth = (): GpsHealth | undefined => this.gps?.health();

  private async line(role: 'button' | 'lamp' | 'buzzer'): Promise<GpioLineConfig | undefined> {
    const gpio = this.opts.config.gpio ?? GpioConfigSchema.parse({});
    if (gpio[role]) return gpio[role];
    if (!gpio.board) return undefined;
    const profile = await loadBoardProfile(gpio.board);
    if (!profile.gpio) throw new CasecamError('bad-config', `board ${profile.id} has no GPIO header; remove gpio.board or name the lines`);
    return profile.gpio[role];
  }

  private async input(role: 'button'): Promise<DigitalInput> {
    if (this.opts.simulateGpio) return this.sim.button;
    const ref = await this.line(role);
    if (!ref) throw new CasecamError('bad-config', `gpio.${role} is not set and no board profile names it`);
    return openOnoffInput(ref);
  }

  private async output(role: 'lamp' | 'buzzer'): Promise<DigitalOutput> {
    if (this.opts.simulateGpio) return this.sim[role];
    const ref = await this.line(role);
    // A board without a buzzer line simply gets no reminder; the lamp is required.
    if (!ref) {
      if (role === 'buzzer') return { write: async () => undefined, read: async () => 0, close: async () => undefined };
      throw new CasecamError('bad-config', `gpio.${role} is not set and no board profile names it`);
    }
    return openOnoffOutput(ref);
  }
}
