/**
 * The CRL is derived from the registry: every certificate a device document marks as
 * revoked, plus revoked role certificates. It is rewritten after every revocation, and
 * on demand (`casecam registry crl`) before it expires.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { generateCrl, type RevokedCert } from './openssl-ca.js';
import { writeAtomic, type RegistryStore } from './registry-store.js';
import { RoleEntrySchema } from './roles.js';

export const CRL_DAYS = 30;

export async function revokedCertificates(store: RegistryStore): Promise<RevokedCert[]> {
  const out: RevokedCert[] = [];
  for (const d of await store.list()) {
    for (const c of d.certificates) {
      if (c.revokedAt) out.push({ serial: c.serial, notAfter: c.notAfter, revokedAt: c.revokedAt, reason: c.revokedReason, commonName: d.deviceId });
    }
  }
  const rolesDir = path.join(store.dir, 'roles');
  for (const n of (await readdir(rolesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
    const role = RoleEntrySchema.parse(JSON.parse(await readFile(path.join(rolesDir, n), 'utf8')));
    if (role.certificate.revokedAt) out.push({ ...role.certificate, revokedAt: role.certificate.revokedAt, reason: role.certificate.revokedReason, commonName: role.commonName });
  }
  return out;
}

export async function refreshCrl(store: RegistryStore): Promise<string> {
  const pem = await generateCrl({ cert: store.caCert, key: store.caKey }, await revokedCertificates(store), CRL_DAYS);
  await writeAtomic(store.crl, pem, 0o644);
  return store.crl;
}
