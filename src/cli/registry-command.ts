/** `casecam registry …`: the fleet registry (docs/provisioning.md). */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { initRegistry, openRegistry } from '../registry/registry-init.js';
import { acceptDevice, retireDevice, revokeDevice } from '../registry/device-lifecycle.js';
import { renewCertificate } from '../registry/provision.js';
import { refreshCrl } from '../registry/crl.js';
import { issueRole, listRoles, revokeRole, ROLES, type Role } from '../registry/roles.js';
import { writeBrokerFiles } from '../registry/broker-files.js';
import { writeAtomic, type RegistryStore } from '../registry/registry-store.js';
import { actor, positiveInt } from './provision-command.js';

const HELP = `usage: casecam registry <step> --registry DIR [options]

  init --name "FLEET CA NAME" [--days 3650]       a new registry with its fleet CA and an empty CRL
  list [--json]                                   every device, its state and key fingerprint
  show DEVICE                                     the device's document (JSON) with its history
  accept DEVICE --fingerprint F (--key PUB.pem | --inventory INVENTORY.json)
                                                  pending → active, only when F (read off the device
                                                  with casecam keys show) is the offered key's fingerprint
  revoke DEVICE --reason TEXT [--since ISO]       certificates into the CRL; its evidence keys are not
                                                  trusted for cases opened from --since (default now)
  retire DEVICE --reason TEXT                     out of service: certificates into the CRL, keys kept
  renew DEVICE --broker URL --out DIR [--base CONFIG] [--install-dir D] [--days 730]
                                                  a new certificate and key (the old one is superseded)
  crl [--out FILE]                                rewrite ca/crl.pem (valid 30 days; copy it to the broker)
  role watcher|command|archive --holder NAME --out DIR [--days 365]
                                                  a certificate for a fleet role (see provisioning/mosquitto/acl.conf)
  roles [--json]                                  every role certificate issued, its holder and serial
  revoke-role SERIAL --reason TEXT                a role certificate into the CRL (a holder who left)
  broker --host HOST [--host …] --out DIR [--port 8883] [--days 825]
                                                  mosquitto files: casecam.conf, ca.pem, server cert, crl.pem, acl.conf
Every step takes --by NAME (default: the OS user); the device's history records who and when.`;

const OPTIONS = {
  registry: { type: 'string' },
  name: { type: 'string' },
  days: { type: 'string' },
  json: { type: 'boolean' },
  fingerprint: { type: 'string' },
  key: { type: 'string' },
  inventory: { type: 'string' },
  reason: { type: 'string' },
  since: { type: 'string' },
  broker: { type: 'string' },
  out: { type: 'string' },
  base: { type: 'string' },
  'install-dir': { type: 'string' },
  holder: { type: 'string' },
  host: { type: 'string', multiple: true },
  port: { type: 'string' },
  by: { type: 'string' },
} as const;

export const registryCommand: Command = {
  name: 'registry',
  summary: 'the fleet registry: CA, devices, accept, revoke, renew, roles, broker files',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseRegistryArgs(argv);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [step, arg, ...extra] = positionals;
    if (!step) throw new CasecamError('usage', 'expected a step: init, list, show, accept, revoke, retire, renew, crl, role, roles, revoke-role, broker');
    if (extra.length) throw new CasecamError('usage', `unexpected argument "${extra[0]}"`);
    const dir = required(values.registry, '--registry');
    const by = actor(values.by);
    const now = new Date();
    if (step === 'init') {
      const store = await initRegistry(dir, { name: required(values.name, '--name'), by, now, days: positiveInt(values.days, '--days', 3650) });
      console.log(`registry made in ${store.dir}: fleet CA ${store.caCert}, CRL ${store.crl}`);
      return 0;
    }
    const store = await openRegistry(dir);
    const readOnly = step === 'list' || step === 'show' || step === 'roles';
    return readOnly ? registryStep(step, arg, values, store, by, now) : store.exclusive(() => registryStep(step, arg, values, store, by, now));
  },
};

type Values = ReturnType<typeof parseRegistryArgs>['values'];

function parseRegistryArgs(argv: string[]) {
  return parse(argv, OPTIONS, { positionals: true });
}

async function registryStep(step: string, arg: string | undefined, values: Values, store: RegistryStore, by: string, now: Date): Promise<number> {
  const needArg = (what: string) => {
    if (!arg) throw new CasecamError('usage', `registry ${step} needs ${what}`);
    return arg;
  };
  switch (step) {
    case 'list': {
      const all = await store.list();
      if (values.json) console.log(JSON.stringify(all.map((d) => ({ deviceId: d.deviceId, state: d.state, kind: d.kind, unit: d.unit, site: d.site ?? d.plate, fingerprint: d.evidenceKeys.at(-1)?.fingerprint ?? null }))));
      else for (const d of all) console.log(`${d.deviceId}\t${d.state}\t${d.kind}\t${d.site ?? d.plate ?? ''}\t${d.evidenceKeys.at(-1)?.fingerprint ?? '(no key accepted)'}`);
      return 0;
    }
    case 'show':
      console.log(JSON.stringify(await store.require(needArg('a DEVICE')), null, 2));
      return 0;
    case 'accept': {
      const deviceId = needArg('a DEVICE');
      const publicKeyPem = await offeredKey(deviceId, values.key, values.inventory);
      const e = await acceptDevice(store, deviceId, { fingerprint: required(values.fingerprint, '--fingerprint'), publicKeyPem, by, now });
      console.log(`accepted ${e.deviceId}: active, evidence key ${e.evidenceKeys.at(-1)!.fingerprint}`);
      return 0;
    }
    case 'revoke': {
      const since = values.since !== undefined ? new Date(values.since) : undefined;
      if (since && Number.isNaN(since.getTime())) throw new CasecamError('usage', `--since is not a date: ${values.since}`);
      const e = await revokeDevice(store, needArg('a DEVICE'), { reason: required(values.reason, '--reason'), since, by, now });
      console.log(`revoked ${e.deviceId}: certificates in ${store.crl}; copy it to the broker and reload it`);
      return 0;
    }
    case 'retire': {
      const e = await retireDevice(store, needArg('a DEVICE'), { reason: required(values.reason, '--reason'), by, now });
      console.log(`retired ${e.deviceId}: certificates in ${store.crl}; copy it to the broker and reload it`);
      return 0;
    }
    case 'renew': {
      const outDir = path.resolve(required(values.out, '--out'));
      const e = await renewCertificate(store, {
        deviceId: needArg('a DEVICE'),
        outDir,
        brokerUrl: required(values.broker, '--broker'),
        installDir: values['install-dir'] ?? '/etc/casecam',
        baseConfig: values.base,
        days: positiveInt(values.days, '--days', 730),
        by,
        now,
      });
      console.log(`renewed ${e.deviceId}: certificate ${e.certificates.at(-1)!.serial}; package in ${outDir}; the old certificate is in ${store.crl}`);
      return 0;
    }
    case 'crl': {
      const file = await refreshCrl(store);
      if (values.out) await writeAtomic(path.resolve(values.out), await readFile(file), 0o644);
      console.log(`CRL written to ${values.out ?? file}`);
      return 0;
    }
    case 'role': {
      const role = needArg('a role (watcher, command, archive)') as Role;
      if (!ROLES.includes(role)) throw new CasecamError('usage', `unknown role "${role}" (one of ${ROLES.join(', ')})`);
      const outDir = path.resolve(required(values.out, '--out'));
      const { entry, issued } = await issueRole(store, { role, holder: required(values.holder, '--holder'), by, now, days: positiveInt(values.days, '--days', 365) });
      await mkdir(outDir, { recursive: true, mode: 0o700 });
      await writeAtomic(path.join(outDir, `${role}.crt`), issued.certPem, 0o644);
      await writeAtomic(path.join(outDir, `${role}.key`), issued.keyPem, 0o600);
      await writeAtomic(path.join(outDir, 'ca.pem'), await readFile(store.caCert), 0o644);
      console.log(`issued ${entry.commonName} to ${entry.holder}: certificate ${entry.certificate.serial} in ${outDir}`);
      return 0;
    }
    case 'roles': {
      const all = await listRoles(store);
      if (values.json) console.log(JSON.stringify(all));
      else for (const r of all) console.log(`${r.certificate.serial}\t${r.commonName}\t${r.holder}\t${r.certificate.revokedAt ? `revoked ${r.certificate.revokedAt}` : `valid until ${r.certificate.notAfter}`}`);
      return 0;
    }
    case 'revoke-role': {
      const r = await revokeRole(store, needArg('a certificate SERIAL (casecam registry roles)'), { reason: required(values.reason, '--reason'), by, now });
      await refreshCrl(store);
      console.log(`revoked ${r.commonName} of ${r.holder} (${r.certificate.serial}): in ${store.crl}; copy it to the broker and restart it`);
      return 0;
    }
    case 'broker': {
      const hosts = values.host ?? [];
      if (hosts.length === 0) throw new CasecamError('usage', 'missing --host (the name or address devices use for the broker)');
      const conf = await writeBrokerFiles(store, { hosts, outDir: path.resolve(required(values.out, '--out')), port: positiveInt(values.port, '--port', 8883), days: positiveInt(values.days, '--days', 825), now });
      console.log(`broker files written; include ${conf} in mosquitto.conf`);
      return 0;
    }
    default:
      throw new CasecamError('usage', `unknown registry step "${step}"`);
  }
}

/** The public key offered for acceptance: a PEM file, or the device's retained inventory (saved with mosquitto_sub). */
async function offeredKey(deviceId: string, keyFile: string | undefined, inventoryFile: string | undefined): Promise<string> {
  if ((keyFile === undefined) === (inventoryFile === undefined)) throw new CasecamError('usage', 'give one of --key PUB.pem or --inventory INVENTORY.json');
  const file = (keyFile ?? inventoryFile)!;
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new CasecamError('usage', `cannot read ${file}: ${errorMessage(err)}`);
  });
  if (keyFile !== undefined) return text;
  let inv: { deviceId?: unknown; evidenceKey?: { publicKeyPem?: unknown } | null };
  try {
    inv = JSON.parse(text) as typeof inv;
  } catch (err) {
    throw new CasecamError('usage', `${file} is not JSON: ${errorMessage(err)}`);
  }
  if (inv.deviceId !== deviceId) throw new CasecamError('usage', `${file} is the inventory of ${String(inv.deviceId)}, not ${deviceId}`);
  const pem = inv.evidenceKey?.publicKeyPem;
  if (typeof pem !== 'string') throw new CasecamError('usage', `${file} carries no evidenceKey.publicKeyPem (a device older than contract 1.1.0?)`);
  return pem;
}
