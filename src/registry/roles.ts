/**
 * Certificates for the people and services around the fleet, each a fixed MQTT
 * identity that the broker's ACL names (provisioning/mosquitto/acl.conf):
 *
 *   casecam:watcher   reads everything under casecam/, writes nothing (fleet board)
 *   casecam:command   reads everything, may write devices' cmd (command centre, counter system)
 *   casecam:archive   reads everything, may write devices' cmd (offload.confirm)
 *
 * The ":" cannot occur in a device ID, so no device certificate can take a role's
 * identity, and no role matches a device's `casecam/%u/…` pattern.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CasecamError } from '../core/errors.js';
import { CertificateSchema } from './registry-schema.js';
import { issueCertificate, type Issued } from './openssl-ca.js';
import { writeAtomic, type RegistryStore } from './registry-store.js';

export const ROLES = ['watcher', 'command', 'archive'] as const;
export type Role = (typeof ROLES)[number];

export const RoleEntrySchema = z.object({
  role: z.enum(ROLES),
  commonName: z.string(),
  holder: z.string().min(1),
  issuedBy: z.string().min(1),
  certificate: CertificateSchema,
  revokedBy: z.string().optional(),
  revokedFor: z.string().optional(),
});
export type RoleEntry = z.infer<typeof RoleEntrySchema>;

export const roleIdentity = (role: Role) => `casecam:${role}`;

export async function issueRole(store: RegistryStore, opts: { role: Role; holder: string; by: string; now: Date; days: number }): Promise<{ entry: RoleEntry; issued: Issued }> {
  if (!ROLES.includes(opts.role)) throw new CasecamError('usage', `unknown role "${opts.role}" (one of ${ROLES.join(', ')})`);
  const commonName = roleIdentity(opts.role);
  const issued = await issueCertificate({ cert: store.caCert, key: store.caKey }, { commonName, unit: opts.holder, kind: 'client', notBefore: opts.now, days: opts.days });
  const entry: RoleEntry = {
    role: opts.role,
    commonName,
    holder: opts.holder,
    issuedBy: opts.by,
    certificate: { serial: issued.serial, notBefore: issued.notBefore, notAfter: issued.notAfter, issuedAt: opts.now.toISOString() },
  };
  await writeAtomic(path.join(store.dir, 'roles', `${issued.serial}.json`), JSON.stringify(entry, null, 2) + '\n', 0o644);
  return { entry, issued };
}

export async function listRoles(store: RegistryStore): Promise<RoleEntry[]> {
  const dir = path.join(store.dir, 'roles');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => RoleEntrySchema.parse(JSON.parse(await readFile(path.join(dir, n), 'utf8')))));
}

/** Revoke a role certificate by its serial; the caller rewrites the CRL. */
export async function revokeRole(store: RegistryStore, serial: string, o: { reason: string; by: string; now: Date }): Promise<RoleEntry> {
  const id = serial.toUpperCase();
  if (!/^[0-9A-F]+$/.test(id)) throw new CasecamError('usage', `"${serial}" is not a certificate serial (hex)`);
  const file = path.join(store.dir, 'roles', `${id}.json`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CasecamError('usage', `no role certificate ${id} in the registry`);
  });
  const entry = RoleEntrySchema.parse(JSON.parse(text));
  if (entry.certificate.revokedAt) throw new CasecamError('usage', `role certificate ${id} was already revoked at ${entry.certificate.revokedAt}`);
  const revoked: RoleEntry = { ...entry, certificate: { ...entry.certificate, revokedAt: o.now.toISOString(), revokedReason: 'affiliationChanged' }, revokedBy: o.by, revokedFor: o.reason };
  await writeAtomic(file, JSON.stringify(RoleEntrySchema.parse(revoked), null, 2) + '\n', 0o644);
  return revoked;
}
