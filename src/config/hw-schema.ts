/**
 * The `gpio` and `serial` sections of the configuration file (src/config/schema.ts
 * includes them). Lines are named by chip label and offset, never by sysfs number
 * (see gpio-chip.ts); a board profile (hw/<board>.json) can supply them.
 */
import { z } from 'zod';

export const GpioLineSchema = z.strictObject({
  chip: z.string().min(1).meta({ description: 'the chip\'s label as in `/sys/class/gpio/gpiochipN/label`, e.g. `pinctrl-bcm2711`' }),
  line: z.number().int().min(0).max(1023).meta({ description: 'line offset on that chip' }),
  activeLow: z.boolean().default(false).meta({ description: 'the line reads 0 when active' }),
});

/** The media alarms (src/quality/media-health.ts): shown on the lamp and buzzer unless configured otherwise. */
const MEDIA_ALARM_KINDS = ['camera.blocked', 'camera.frozen', 'camera.dark', 'audio.silent', 'audio.clipping'];

export const AlarmSignalSchema = z.strictObject({
  kinds: z
    .array(z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/))
    .max(32)
    .default(MEDIA_ALARM_KINDS)
    .meta({ docType: 'alarm kinds', description: 'alarms shown on the lamp and buzzer while raised (default: the media alarms, docs/quality.md); `[]` = none' }),
  lamp: z
    .enum(['blink', 'steady'])
    .default('blink')
    .meta({ description: '`blink`: while recording with one of them raised, the recording lamp blinks (1 Hz) instead of staying lit; `steady`: the lamp shows recording only. It is never lit while nothing is recorded' }),
  buzzer: z
    .enum(['repeat', 'once', 'none'])
    .default('repeat')
    .meta({ description: 'two short beeps when one of them is raised, recording or not; `repeat`: again every `repeatSeconds` while any stays raised' }),
  repeatSeconds: z.number().min(1).max(3600).default(30).meta({ description: 'the period of `buzzer: "repeat"`' }),
});

export const GpioConfigSchema = z.strictObject({
  board: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional()
    .meta({ docType: 'name in `hw/`', description: 'a board profile (e.g. `rpi4`); its lines are used where none is given here' }),
  button: GpioLineSchema.optional().meta({ description: 'the counter button' }),
  lamp: GpioLineSchema.optional().meta({ description: 'the recording lamp' }),
  buzzer: GpioLineSchema.optional().meta({ description: 'the buzzer' }),
  debounceMs: z.number().int().min(1).max(500).default(30).meta({ description: 'button debounce' }),
  longPressSeconds: z.number().min(0.5).max(30).default(3).meta({ description: 'holding the button this long closes the case as documents served' }),
  reminderSeconds: z.number().min(0).max(3600).default(60).meta({ description: 'while recording, a beep every this many seconds (0 = no reminder)' }),
  incident: GpioLineSchema.optional().meta({
    description: "an incident input (e.g. a button on a patrol car's console): held for `incidentHoldMs`, it raises an incident of kind `incidentKind` as the `incident` command does ([offload.md](offload.md))",
  }),
  incidentKind: z
    .string()
    .regex(/^[a-z][a-z0-9._-]{0,63}$/, 'an incident kind such as "emergency" or "violent-resistance"')
    .default('emergency')
    .meta({ description: 'the incident (alarm) kind the incident input raises; live view starts on it when `live.autoStartOn` names it' }),
  incidentHoldMs: z.number().int().min(0).max(10_000).default(500).meta({ description: 'how long the incident input must be held (after the debounce) to count: a bump raises nothing' }),
  alarms: AlarmSignalSchema.prefault({}).meta({ description: 'which raised alarms the lamp and buzzer show, and how' }),
});

const BaudSchema = z
  .number()
  .int()
  .refine((n) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800].includes(n), 'a standard baud rate, e.g. 9600')
  .meta({ docType: 'a standard baud rate (1200–460800)' });

export const ScanPatternSchema = z.strictObject({
  pattern: z
    .string()
    .min(1)
    .refine((p) => {
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'a valid regular expression')
    .meta({ docType: 'regular expression', description: 'tested against the whole scanned code' }),
  action: z.enum(['open', 'marker', 'close', 'ignore']).meta({ description: 'what a code that matches does' }),
});

export const SerialDeviceSchema = z.strictObject({
  path: z.string().min(1).meta({ docType: 'device path', description: 'the serial device, e.g. `/dev/casecam-gps`' }),
  baudRate: BaudSchema.default(9600).meta({ description: 'line speed' }),
});

export const SerialConfigSchema = z.strictObject({
  gps: SerialDeviceSchema.optional().meta({ description: 'NMEA GPS receiver (`--gps PATH[:BAUD]` overrides)' }),
  scanner: SerialDeviceSchema.extend({
    patterns: z.array(ScanPatternSchema).max(32).default([]).meta({ description: 'what scanned codes do, first match wins' }),
  })
    .optional()
    .meta({ description: 'serial barcode scanner (`--scanner PATH[:BAUD]` overrides)' }),
  gpsLostSeconds: z.number().min(1).max(3600).default(10).meta({ description: 'no fix for this long raises the `gps.lost` alarm' }),
  clockMaxOffsetSeconds: z.number().min(0.5).max(86400).default(2).meta({ description: 'system clock further than this from GPS time raises `clock.wrong`' }),
});

export type GpioConfig = z.infer<typeof GpioConfigSchema>;
export type GpioLineConfig = z.infer<typeof GpioLineSchema>;
export type AlarmSignalConfig = z.infer<typeof AlarmSignalSchema>;
export type SerialConfig = z.infer<typeof SerialConfigSchema>;
export type ScanPattern = z.infer<typeof ScanPatternSchema>;
