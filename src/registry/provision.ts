/**
 * `casecam provision` and certificate renewal: the registry entry, a TLS client
 * certificate from the fleet CA (CN = device ID), and the device's package.
 *
 * The package (written to --out, copied to the device's /etc/casecam):
 *   config.json     identity (deviceId, kind, unit, site, model), channels from a base
 *                   config, mqtt.url (mqtts://) and the paths of the three PEM files
 *   ca.pem          the fleet CA: the device trusts only brokers it signed
 *   device.crt      the device's client certificate
 *   device.key      its private key (mode 0600)
 *   mosquitto.txt   what the broker needs for this device
 * The evidence key is not in it: the device makes that itself at first start.
 *
 * Invariant: a device ID is provisioned once; doing it again needs --force, which
 * revokes the earlier certificates (superseded) and puts the device back to pending.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError, errorMessage } from '../core/errors.js';
import { parseConfig } from '../config/load.js';
import { DEVICE_FORMAT, type DeviceEntry } from './registry-schema.js';
import { issueCertificate, type Issued } from './openssl-ca.js';
import { writeAtomic, type RegistryStore } from './registry-store.js';
import { refreshCrl } from './crl.js';

export interface ProvisionOptions {
  deviceId: string;
  kind: 'vehicle' | 'counter';
  unit?: string;
  site?: string;
  plate?: string;
  model?: string;
  serial?: string;
  brokerUrl: string;
  outDir: string;
  /** Where the package will sit on the device; config.json names the PEM files there. */
  installDir: string;
  /** A config file whose channels, recording, paths … the package starts from. */
  baseConfig?: string;
  days: number;
  force: boolean;
  by: string;
  now: Date;
}

const DEFAULT_BASE = new URL('../../../provisioning/config.example.json', import.meta.url);

export async function provisionDevice(store: RegistryStore, o: ProvisionOptions): Promise<DeviceEntry> {
  if (!/^mqtts:\/\/[^\s/]+/.test(o.brokerUrl)) throw new CasecamError('usage', `--broker must be an mqtts:// URL (the device connects with its certificate), not ${o.brokerUrl}`);
  const before = await store.get(o.deviceId);
  if (before && !o.force) throw new CasecamError('usage', `device ${o.deviceId} is already provisioned (state ${before.state}); --force re-provisions it and revokes its certificate`);
  const at = o.now.toISOString();
  const issued = await issueCertificate({ cert: store.caCert, key: store.caKey }, { commonName: o.deviceId, unit: o.unit, kind: 'client', notBefore: o.now, days: o.days });
  const cert = { serial: issued.serial, notBefore: issued.notBefore, notAfter: issued.notAfter, issuedAt: at };
  // Re-provisioning keeps what was registered unless the command says otherwise.
  const identity = {
    kind: o.kind,
    unit: o.unit ?? before?.unit ?? null,
    site: o.site ?? before?.site ?? null,
    plate: o.plate ?? before?.plate ?? null,
    model: o.model ?? before?.model ?? 'casecam-generic',
    serial: o.serial ?? before?.serial ?? null,
  };
  const entry: DeviceEntry = before
    ? {
        ...before,
        ...identity,
        state: 'pending',
        certificates: [...before.certificates.map((c) => (c.revokedAt ? c : { ...c, revokedAt: at, revokedReason: 'superseded' })), cert],
        history: [...before.history, { at, by: o.by, action: 're-provisioned', certSerial: issued.serial, previousState: before.state }],
      }
    : {
        format: DEVICE_FORMAT,
        deviceId: o.deviceId,
        ...identity,
        state: 'pending',
        evidenceKeys: [],
        certificates: [cert],
        history: [{ at, by: o.by, action: 'provisioned', certSerial: issued.serial }],
      };
  await writePackage(store, entry, issued, o);
  await store.put(entry);
  if (before) await refreshCrl(store);
  return entry;
}

/** A new certificate and key for a device in service; the old one is revoked (superseded). */
export async function renewCertificate(store: RegistryStore, o: { deviceId: string; outDir: string; installDir: string; brokerUrl: string; baseConfig?: string; days: number; by: string; now: Date }): Promise<DeviceEntry> {
  const before = await store.require(o.deviceId);
  if (before.state === 'revoked' || before.state === 'retired') throw new CasecamError('usage', `device ${o.deviceId} is ${before.state}; provision it again with --force instead`);
  const at = o.now.toISOString();
  const issued = await issueCertificate({ cert: store.caCert, key: store.caKey }, { commonName: o.deviceId, unit: before.unit ?? undefined, kind: 'client', notBefore: o.now, days: o.days });
  const entry: DeviceEntry = {
    ...before,
    certificates: [...before.certificates.map((c) => (c.revokedAt ? c : { ...c, revokedAt: at, revokedReason: 'superseded' })), { serial: issued.serial, notBefore: issued.notBefore, notAfter: issued.notAfter, issuedAt: at }],
    history: [...before.history, { at, by: o.by, action: 'renewed', certSerial: issued.serial }],
  };
  await writePackage(store, entry, issued, { ...o, kind: before.kind, unit: before.unit ?? undefined, site: before.site ?? before.plate ?? undefined, model: before.model });
  await store.put(entry);
  await refreshCrl(store);
  return entry;
}

async function writePackage(
  store: RegistryStore,
  entry: DeviceEntry,
  issued: Issued,
  o: { outDir: string; installDir: string; brokerUrl: string; baseConfig?: string; kind: 'vehicle' | 'counter'; unit?: string; site?: string; plate?: string; model?: string },
): Promise<void> {
  const baseFile = o.baseConfig ?? DEFAULT_BASE;
  let base: Record<string, unknown>;
  try {
    base = JSON.parse(await readFile(baseFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CasecamError('usage', `cannot read the base config ${String(baseFile)}: ${errorMessage(err)}`);
  }
  const inst = (n: string) => path.posix.join(o.installDir, n);
  const baseMqtt = typeof base.mqtt === 'object' && base.mqtt !== null ? (base.mqtt as Record<string, unknown>) : {};
  const config: Record<string, unknown> = {
    ...base,
    deviceId: entry.deviceId,
    kind: entry.kind,
    model: entry.model,
    unit: entry.unit ?? undefined,
    site: entry.site ?? entry.plate ?? undefined,
    mqtt: { ...baseMqtt, url: o.brokerUrl, caFile: inst('ca.pem'), certFile: inst('device.crt'), keyFile: inst('device.key'), username: undefined, password: undefined },
  };
  parseConfig(config, 'the device package config'); // never hand out a package the device would refuse
  await mkdir(o.outDir, { recursive: true, mode: 0o700 });
  const out = (n: string) => path.join(o.outDir, n);
  await writeAtomic(out('config.json'), JSON.stringify(config, null, 2) + '\n', 0o644);
  await writeAtomic(out('ca.pem'), await readFile(store.caCert), 0o644);
  await writeAtomic(out('device.crt'), issued.certPem, 0o644);
  await writeAtomic(out('device.key'), issued.keyPem, 0o600);
  await writeAtomic(out('mosquitto.txt'), mosquittoLines(entry.deviceId, issued.serial), 0o644);
}

function mosquittoLines(deviceId: string, serial: string): string {
  return [
    `# ${deviceId}: certificate serial ${serial}, CN=${deviceId}.`,
    '# The broker set up with `casecam registry broker` needs no line per device:',
    '# use_identity_as_username makes the CN the user name, and the pattern ACL',
    `# (casecam/%u/…) lets this device write casecam/${deviceId}/{status,state,health,inventory,events,cmd/reply}`,
    `# and read casecam/${deviceId}/cmd, nothing else. Copy the registry's ca/crl.pem to the broker after`,
    '# every revocation and renewal, and restart mosquitto (it reads the CRL when it starts).',
    '',
  ].join('\n');
}
