/** `casecam run --gps PATH[:BAUD] --scanner PATH[:BAUD]`: the flags override the config's serial section. */
import type { Config } from '../config/schema.js';
import { SerialConfigSchema } from './hw-config.js';
import { parseSerialSpec } from './serial-line.js';
import { CasecamError } from '../core/errors.js';

export function withSerialDevices(config: Config, flags: { gps?: string; scanner?: string }): Config {
  if (flags.gps === undefined && flags.scanner === undefined) return config;
  const { serial } = config;
  const merged = {
    ...serial,
    ...(flags.gps !== undefined ? { gps: parseSerialSpec(flags.gps, serial.gps?.baudRate ?? 9600) } : {}),
    ...(flags.scanner !== undefined ? { scanner: { patterns: [], ...serial.scanner, ...parseSerialSpec(flags.scanner, serial.scanner?.baudRate ?? 9600) } } : {}),
  };
  const parsed = SerialConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CasecamError('usage', `--${String(issue.path[0])}: ${issue.message}`);
  }
  return { ...config, serial: parsed.data };
}
