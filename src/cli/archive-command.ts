/** `casecam archive run|find|fetch`: the data centre's side of the offload (docs/offload.md). */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { checkCaseId } from '../core/case-id.js';
import { loadOrCreateDeviceKey } from '../evidence/device-key.js';
import { verifyBundle } from '../export/bundle-verify.js';
import { OffloadConfigSchema } from '../config/offload-schema.js';
import { makeS3Client } from '../offload/s3-client.js';
import { ArchiveService } from '../archive/archive-service.js';
import { findCases } from '../archive/archive-find.js';
import { readCase } from '../archive/bucket-case.js';
import { keysDirPin, type KeyPin } from '../archive/key-pin.js';
import { openRegistry } from '../registry/registry-init.js';
import { pinForBundle } from '../registry/bundle-pin.js';

const s3Options = {
  endpoint: { type: 'string' },
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  region: { type: 'string' },
  credentials: { type: 'string' },
  'virtual-host': { type: 'boolean' },
} as const;

function s3Config(v: { endpoint?: string; bucket?: string; prefix?: string; region?: string; credentials?: string; 'virtual-host'?: boolean }) {
  const r = OffloadConfigSchema.safeParse({
    endpoint: required(v.endpoint, '--endpoint URL'),
    bucket: required(v.bucket, '--bucket NAME'),
    prefix: v.prefix,
    region: v.region,
    credentialsFile: v.credentials,
    forcePathStyle: v['virtual-host'] !== true,
  });
  if (!r.success) throw new CasecamError('usage', r.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
  return r.data;
}

/** The device keys the centre trusts: the fleet registry's (--registry), or a directory of PEM files (--keys). */
async function keyPin(v: { keys?: string; registry?: string }, need: boolean): Promise<KeyPin | undefined> {
  if (v.keys !== undefined && v.registry !== undefined) throw new CasecamError('usage', 'give --registry or --keys, not both');
  if (v.registry !== undefined) {
    const store = await openRegistry(v.registry);
    return (bundleDir) => pinForBundle(store, bundleDir);
  }
  if (v.keys !== undefined) return keysDirPin(v.keys);
  if (need) throw new CasecamError('usage', 'missing --registry DIR (the fleet registry) or --keys DIR (registered device keys)');
  return undefined;
}

/** The broker's CA and the archive's client certificate (mqtts:// with mutual TLS). */
async function tlsFiles(v: Record<string, string | boolean | undefined>): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined> {
  const file = (flag: string) => {
    const f = v[flag] as string | undefined;
    return f === undefined ? undefined : readFile(f).catch((err: unknown) => Promise.reject(new CasecamError('usage', `cannot read --${flag} ${f}: ${errorMessage(err)}`)));
  };
  if ((v.cert === undefined) !== (v['cert-key'] === undefined)) throw new CasecamError('usage', 'give --cert and --cert-key together');
  if (v.ca === undefined && v.cert === undefined) return undefined;
  return { ca: await file('ca'), cert: await file('cert'), key: await file('cert-key') };
}

const time = (s: string | undefined, flag: string) => {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new CasecamError('usage', `${flag}: not a date/time (ISO 8601, e.g. 2026-11-28T10:00:00Z)`);
  return t;
};

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'the centre: verify uploaded cases and confirm them to devices; find and fetch cases',
  help: `usage: casecam archive run --broker URL --endpoint URL --bucket NAME (--registry DIR | --keys DIR) --key-dir DIR [options]
       casecam archive find --endpoint URL --bucket NAME [--case ID] [--device ID] [--unit U]
                            [--category C] [--from TIME] [--to TIME] [--json]
       casecam archive fetch CASE --endpoint URL --bucket NAME --out DIR [--device ID] [--registry DIR | --keys DIR]

  run     subscribes to the devices' offload.uploaded events, reads each case back,
          checks every SHA-256 and the signatures against the device's registered key,
          writes a signed receipt.json beside the case and sends the device
          offload.confirm; a case that fails gets offload.reject with the reason, no receipt.
          Several instances may run: they share one MQTT 5 subscription (--group).
  find    cases from the receipts (no listing of media), with where they are, their
          verification and retention
  fetch   downloads a case as a bundle that casecam verify accepts (and checks it)
S3: --endpoint URL --bucket NAME [--prefix casecam] [--region us-east-1]
    [--credentials FILE.json] [--virtual-host]
run: --broker URL [--username NAME] (password from CASECAM_ARCHIVE_PASSWORD)
     [--ca FILE] [--cert FILE --cert-key FILE] (mqtts://: the fleet CA, and the
     casecam:archive role certificate from casecam registry role archive)
     --key-dir DIR (the archive's own Ed25519 key, created on first use)
     [--topic-root casecam] [--group archive]
keys: --registry DIR  the fleet registry (docs/provisioning.md): the key it accepted for
                      the bundle's device with the fingerprint the manifest names; a device
                      not in it, a key not registered, or one revoked before the case
                      opened is rejected
      --keys DIR      DIR/<deviceId>.pub.pem, for a fleet without a registry`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        ...s3Options,
        broker: { type: 'string' },
        username: { type: 'string' },
        keys: { type: 'string' },
        registry: { type: 'string' },
        'key-dir': { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        'cert-key': { type: 'string' },
        'topic-root': { type: 'string' },
        group: { type: 'string' },
        case: { type: 'string' },
        device: { type: 'string' },
        unit: { type: 'string' },
        category: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
      },
      { positionals: true },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const [sub, arg] = positionals;
    if (sub === 'run') return runArchive(values);
    const cfg = s3Config(values);
    const s3 = await makeS3Client(cfg);
    try {
      if (sub === 'find') {
        const found = await findCases(s3, cfg.bucket, cfg.prefix, { caseId: values.case, deviceId: values.device, unit: values.unit, category: values.category, from: time(values.from, '--from'), to: time(values.to, '--to') });
        if (values.json) console.log(JSON.stringify(found));
        else for (const r of found) console.log(`${r.caseId}\t${r.deviceId}\t${r.unit}\t${r.category}\t${r.openedAt}\tverified ${r.verifiedAt}\tretention ${r.retention.days ?? '-'} days${r.retention.enforcedByBucket ? '' : ' (not enforced by the bucket)'}\ts3://${r.bucket}/${r.key}/`);
        return 0;
      }
      if (sub === 'fetch') {
        const caseId = checkCaseId(required(arg, 'CASE'));
        const out = path.resolve(required(values.out, '--out DIR'));
        if ((await readdir(out).catch(() => [])).length > 0) throw new CasecamError('usage', `--out ${out} exists and is not empty`);
        const found = await findCases(s3, cfg.bucket, cfg.prefix, { caseId, deviceId: values.device });
        if (found.length === 0) throw new CasecamError('case-not-found', `no verified case "${caseId}" in s3://${cfg.bucket}/${cfg.prefix}`);
        if (found.length > 1) throw new CasecamError('usage', `case "${caseId}" exists on ${found.length} devices; name one with --device`);
        const rc = found[0]!;
        const read = await readCase(s3, cfg.bucket, rc.key, out);
        const pin = await keyPin(values, false);
        const key = pin ? await pin(out, rc.deviceId) : undefined;
        if (key && !key.ok) {
          console.error(`casecam archive: ${key.reason}`);
          return 1;
        }
        const v = await verifyBundle(out, { trustedKeyPem: key?.publicKeyPem });
        for (const p of [...read.problems.map((q) => `${q.file}: ${q.reason}`), ...v.problems]) console.error(`casecam archive: ${p}`);
        if (!v.ok || read.problems.length) return 1;
        for (const n of key?.notes ?? []) console.log(`note: ${n}`);
        console.log(`fetched case ${caseId} from s3://${cfg.bucket}/${rc.key}/ to ${out}: intact${v.pinned ? ', key pinned' : ' (key NOT pinned: pass --registry or --keys)'}`);
        return 0;
      }
    } finally {
      s3.destroy();
    }
    throw new CasecamError('usage', 'expected "archive run", "archive find" or "archive fetch CASE"');
  },
};

async function runArchive(values: Record<string, string | boolean | undefined>): Promise<number> {
  const cfg = s3Config(values);
  const pin = (await keyPin({ keys: values.keys as string | undefined, registry: values.registry as string | undefined }, true))!;
  const tls = await tlsFiles(values);
  const log = createLogger({ name: 'casecam-archive' });
  const archive = new ArchiveService({
    brokerUrl: required(values.broker as string | undefined, '--broker URL'),
    username: values.username as string | undefined,
    password: process.env.CASECAM_ARCHIVE_PASSWORD,
    tls,
    topicRoot: (values['topic-root'] as string | undefined) ?? 'casecam',
    group: (values.group as string | undefined) ?? 'archive',
    s3: await makeS3Client(cfg),
    bucket: cfg.bucket,
    pin,
    key: await loadOrCreateDeviceKey(required(values['key-dir'] as string | undefined, '--key-dir DIR')),
    log,
  });
  await archive.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await archive.stop();
  return 0;
}
