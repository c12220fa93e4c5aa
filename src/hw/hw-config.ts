/**
 * The `gpio` and `serial` sections of the configuration file (src/config/schema.ts
 * includes them). Lines are named by chip label and offset, never by sysfs number
 * (see gpio-chip.ts); a board profile (hw/<board>.json) can supply them.
 */
import { z } from 'zod';

export const GpioLineSchema = z.strictObject({
  /** The chip's label as in /sys/class/gpio/gpiochipN/label, e.g. "pinctrl-bcm2711". */
  chip: z.string().min(1),
  line: z.number().int().min(0).max(1023),
  activeLow: z.boolean().default(false),
});

export const GpioConfigSchema = z.strictObject({
  /** A board profile in hw/ (e.g. "rpi4"); its lines are used where none is given here. */
  board: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  button: GpioLineSchema.optional(),
  lamp: GpioLineSchema.optional(),
  buzzer: GpioLineSchema.optional(),
  debounceMs: z.number().int().min(1).max(500).default(30),
  /** Holding the button this long closes the case as documents served. */
  longPressSeconds: z.number().min(0.5).max(30).default(3),
  /** While recording, a beep every this many seconds (0 = no reminder). */
  reminderSeconds: z.number().min(0).max(3600).default(60),
});

const BaudSchema = z.number().int().refine((n) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800].includes(n), 'a standard baud rate, e.g. 9600');

export const ScanPatternSchema = z.strictObject({
  /** A regular expression tested against the whole scanned code. */
  pattern: z.string().min(1).refine((p) => {
    try {
      new RegExp(p, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression'),
  action: z.enum(['open', 'marker', 'close', 'ignore']),
});

export const SerialDeviceSchema = z.strictObject({
  path: z.string().min(1),
  baudRate: BaudSchema.default(9600),
});

export const SerialConfigSchema = z.strictObject({
  gps: SerialDeviceSchema.optional(),
  scanner: SerialDeviceSchema.extend({ patterns: z.array(ScanPatternSchema).max(32).default([]) }).optional(),
  /** No fix for this long raises the `gps.lost` alarm. */
  gpsLostSeconds: z.number().min(1).max(3600).default(10),
  /** System clock further than this from GPS time raises `clock.wrong`. */
  clockMaxOffsetSeconds: z.number().min(0.5).max(86400).default(2),
});

export type GpioConfig = z.infer<typeof GpioConfigSchema>;
export type GpioLineConfig = z.infer<typeof GpioLineSchema>;
export type SerialConfig = z.infer<typeof SerialConfigSchema>;
export type ScanPattern = z.infer<typeof ScanPatternSchema>;
