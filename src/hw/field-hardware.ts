/**
 * Builds the field-hardware parts from the config: the counter button, the recording
 * lamp and buzzer, the incident input (onoff, or the simulated twin with --simulate),
 * the serial GPS and the serial barcode scanner. The composition root puts their lifecycles in the
 * trigger phase; they reach the recording only through the case sessions and the bus.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Store } from '../store/store.js';
import type { CaseSessions } from '../recording/case-sessions.js';
import type { Position } from '../osd/osd-text.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { SimInput, SimOutput } from './sim/sim-gpio.js';
import type { DigitalInput, DigitalOutput } from './digital-io.js';
import { openOnoffInput, openOnoffOutput } from './onoff-io.js';
import { loadBoardProfile } from './board-profile.js';
import type { GpioLineConfig } from '../config/hw-schema.js';
import { TriggerActions, type TriggerSessions } from './trigger-actions.js';
import { CounterButton } from './counter-button.js';
import { IncidentInput } from './incident-input.js';
import type { IncidentRequest, IncidentResult } from '../recording/incident.js';
import { RecordingIndicators } from './recording-indicators.js';
import { GpsSource, type GpsHealth } from './gps-source.js';
import { GpsTrack } from './gps-track.js';
import { ScannerSource } from './scanner-source.js';

export interface FieldHardwareOptions {
  config: Config;
  log: Logger;
  bus: Bus;
  clock: Clock;
  store: Store;
  sessions: TriggerSessions & Pick<CaseSessions, 'activeCases'>;
  /** Use the simulated GPIO twin instead of onoff. */
  simulateGpio: boolean;
  /** Raises an incident as the `incident` command does (src/recording/incident.ts), for the incident input. */
  incident?: (req: IncidentRequest) => Promise<IncidentResult>;
}

export class FieldHardware {
  /** Button, lamps, GPS, scanner: each in the trigger phase. */
  readonly lifecycles: Lifecycle[] = [];
  readonly actions: TriggerActions;
  gps: GpsSource | undefined;
  scanner: ScannerSource | undefined;
  indicators: RecordingIndicators | undefined;
  /** The simulated button, lamp, buzzer and incident input when GPIO is simulated. */
  readonly sim = { button: new SimInput(), lamp: new SimOutput(), buzzer: new SimOutput(), incident: new SimInput() };
  incidentInput: IncidentInput | undefined;

  constructor(private readonly opts: FieldHardwareOptions) {
    const { config, log, bus, clock, store, sessions } = opts;
    this.actions = new TriggerActions(sessions, log.child({ hw: 'trigger' }));
    const { gpio, serial } = config;
    const hasGpio = opts.simulateGpio || gpio.board !== undefined || gpio.button !== undefined || gpio.lamp !== undefined;
    if (hasGpio) {
      this.lifecycles.push(
        this.guarded(new CounterButton({
          input: () => this.input('button'),
          actions: this.actions,
          log: log.child({ hw: 'button' }),
          debounceMs: gpio.debounceMs,
          longPressMs: gpio.longPressSeconds * 1000,
        })),
      );
      this.indicators = new RecordingIndicators({
        bus,
        log: log.child({ hw: 'lamp' }),
        recording: () => sessions.activeCases().length > 0,
        lamp: () => this.output('lamp'),
        buzzer: () => this.output('buzzer'),
        reminderSeconds: gpio.reminderSeconds,
        alarms: gpio.alarms,
        now: () => clock.now(),
      });
      this.lifecycles.push(this.guarded(this.indicators));
    }
    if (opts.incident && (gpio.incident || opts.simulateGpio)) {
      this.incidentInput = new IncidentInput({
        input: () => (opts.simulateGpio ? Promise.resolve(this.sim.incident) : openOnoffInput(gpio.incident!)),
        raise: opts.incident,
        kind: gpio.incidentKind,
        debounceMs: gpio.debounceMs,
        holdMs: gpio.incidentHoldMs,
        log: log.child({ hw: 'incident' }),
      });
      this.lifecycles.push(this.guarded(this.incidentInput));
    }
    if (serial.gps) {
      const track = new GpsTrack({
        store,
        log,
        activeWindows: () => sessions.activeCases(),
        keepMs: (config.recording.preRecordSeconds + 10) * 1000,
      });
      this.gps = new GpsSource({
        ...serial.gps,
        bus,
        log: log.child({ hw: 'gps' }),
        clock,
        track,
        lostAfterSeconds: serial.gpsLostSeconds,
        clockMaxOffsetSeconds: serial.clockMaxOffsetSeconds,
      });
      this.lifecycles.push(trigger(this.gps));
    }
    if (serial.scanner) {
      this.scanner = new ScannerSource({ ...serial.scanner, log: log.child({ hw: 'scanner' }), actions: this.actions });
      this.lifecycles.push(trigger(this.scanner));
    }
  }

  /**
   * A GPIO line that cannot be opened (no such chip, no permission) raises the
   * `gpio.failed` alarm instead of stopping the service: recording goes on, and cases
   * can still be opened by scanner or MQTT command.
   */
  private guarded(s: Part): Lifecycle {
    const { log, bus, clock } = this.opts;
    return {
      name: s.name,
      phase: 'trigger',
      start: async () => {
        try {
          await s.start();
        } catch (err) {
          const message = `${s.name} unavailable: ${errorMessage(err)}`;
          log.error({ subsystem: s.name, error: errorMessage(err) }, message);
          bus.emit('alarm.raised', { kind: 'gpio.failed', subject: s.name, message, at: clock.now() });
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
      alarmShown: this.indicators?.alarmShown,
    };
  }

  /** The position for the watermark; undefined without a GPS or a fix. */
  position = (): Position | undefined => this.gps?.position();

  /** The `gps` object of the health report; undefined when no GPS is configured. */
  gpsHealth = (): GpsHealth | undefined => this.gps?.health();

  private async line(role: 'button' | 'lamp' | 'buzzer'): Promise<GpioLineConfig | undefined> {
    const { gpio } = this.opts.config;
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

type Part = Pick<Lifecycle, 'name' | 'start' | 'stop'>;

function trigger(part: Part): Lifecycle {
  return { name: part.name, phase: 'trigger', start: () => part.start(), stop: () => part.stop() };
}
