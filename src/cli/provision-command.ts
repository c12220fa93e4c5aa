import os from 'node:os';
import path from 'node:path';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError } from '../core/errors.js';
import { openRegistry } from '../registry/registry-init.js';
import { provisionDevice } from '../registry/provision.js';

/** Who did a registry step: --by, else the person behind sudo, else the OS user. */
export function actor(given: string | undefined): string {
  if (given?.trim()) return given.trim();
  const user = process.env.SUDO_USER ?? (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  return `${user} (os user)`;
}

export function positiveInt(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CasecamError('usage', `${flag} must be a whole number of days ≥ 1`);
  return n;
}

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'register a device and write its package (config, certificate, key)',
  help: `usage: casecam provision --registry DIR --device ID --kind vehicle|counter --broker mqtts://HOST:PORT --out DIR
                         [--unit U] [--site S | --plate P] [--model M] [--serial S]
                         [--base CONFIG] [--install-dir /etc/casecam] [--days 730] [--by NAME] [--force]

Run by a designated person at the depot or counter. Creates the device's registry
entry (state pending), issues its TLS client certificate from the fleet CA
(CN = device ID), and writes the device's package to --out: config.json, ca.pem,
device.crt, device.key (0600) and mosquitto.txt. Copy the package to the device's
--install-dir (config.json names the PEM files there). The evidence key is made on the
device at first start; accept it with casecam registry accept.
  --base CONFIG   channels, recording and paths to start from (default:
                  provisioning/config.example.json)
  --force         provision an ID already in the registry again: its certificates are
                  revoked (superseded) and it goes back to pending
  --by NAME       who does this (default: the OS user)`,
  async run(argv) {
    const { values } = parse(argv, {
      registry: { type: 'string' },
      device: { type: 'string' },
      kind: { type: 'string' },
      broker: { type: 'string' },
      out: { type: 'string' },
      unit: { type: 'string' },
      site: { type: 'string' },
      plate: { type: 'string' },
      model: { type: 'string' },
      serial: { type: 'string' },
      base: { type: 'string' },
      'install-dir': { type: 'string' },
      days: { type: 'string' },
      by: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const kind = required(values.kind, '--kind');
    if (kind !== 'vehicle' && kind !== 'counter') throw new CasecamError('usage', '--kind must be vehicle or counter');
    const store = await openRegistry(required(values.registry, '--registry'));
    const outDir = path.resolve(required(values.out, '--out'));
    const entry = await store.exclusive(() => provisionDevice(store, {
      deviceId: required(values.device, '--device'),
      kind,
      unit: values.unit,
      site: values.site,
      plate: values.plate,
      model: values.model,
      serial: values.serial,
      brokerUrl: required(values.broker, '--broker'),
      outDir,
      installDir: values['install-dir'] ?? '/etc/casecam',
      baseConfig: values.base,
      days: positiveInt(values.days, '--days', 730),
      force: values.force ?? false,
      by: actor(values.by),
      now: new Date(),
    }));
    const cert = entry.certificates.at(-1)!;
    console.log(`provisioned ${entry.deviceId} (pending): certificate ${cert.serial} valid until ${cert.notAfter}; package in ${outDir}`);
    return 0;
  },
};
