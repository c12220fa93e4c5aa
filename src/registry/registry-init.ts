/** `casecam registry init`: a new registry directory with its fleet CA and an empty CRL. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError } from '../core/errors.js';
import { certFingerprint, createCa } from './openssl-ca.js';
import { refreshCrl } from './crl.js';
import { RegistryStore } from './registry-store.js';
import { REGISTRY_FORMAT } from './registry-schema.js';

export async function initRegistry(dir: string, opts: { name: string; by: string; now: Date; days: number }): Promise<RegistryStore> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw new CasecamError('usage', `${dir} is not empty; a registry is made in a new or empty directory`);
  const store = new RegistryStore(path.resolve(dir));
  await mkdir(store.dir, { recursive: true, mode: 0o750 });
  await mkdir(store.devicesDir, { mode: 0o750 });
  await mkdir(path.join(store.dir, 'roles'), { mode: 0o750 });
  await createCa({ cert: store.caCert, key: store.caKey }, opts.name, opts.days);
  await store.writeMeta({ format: REGISTRY_FORMAT, createdAt: opts.now.toISOString(), createdBy: opts.by, caFingerprint: certFingerprint(await readFile(store.caCert)) });
  await refreshCrl(store);
  return store;
}

/** Open an existing registry and check its CA is the one it was made with. */
export async function openRegistry(dir: string): Promise<RegistryStore> {
  const store = new RegistryStore(path.resolve(dir));
  const meta = await store.meta();
  const ca = await readFile(store.caCert).catch(() => {
    throw new CasecamError('storage', `${store.caCert} is missing`);
  });
  if (certFingerprint(ca) !== meta.caFingerprint) throw new CasecamError('storage', `${store.caCert} is not the CA this registry was made with (fingerprint differs from registry.json)`);
  return store;
}
