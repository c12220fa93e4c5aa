/**
 * Steps after provisioning, each one history entry:
 *
 *   pending ──accept (fingerprint matches)──► active
 *   pending/active ──retire──► retired   certificates revoked (cessationOfOperation);
 *                                        its evidence keys stay trusted for what they signed
 *   any ──revoke──► revoked              certificates revoked (keyCompromise); its evidence
 *                                        keys are not trusted for anything signed from --since on
 *
 * Invariant: an evidence key is accepted only when the fingerprint the installer read
 * off the device (`casecam keys show`) is the fingerprint of the public key offered;
 * otherwise nothing is written and the device stays pending.
 */
import { CasecamError } from '../core/errors.js';
import { keyFingerprint, parsePublicKeyPem } from '../evidence/device-key.js';
import type { DeviceEntry } from './registry-schema.js';
import type { RegistryStore } from './registry-store.js';
import { refreshCrl } from './crl.js';

interface Step {
  by: string;
  now: Date;
}

export async function acceptDevice(store: RegistryStore, deviceId: string, o: Step & { fingerprint: string; publicKeyPem: string }): Promise<DeviceEntry> {
  const before = await store.require(deviceId);
  if (before.state !== 'pending') throw new CasecamError('usage', `device ${deviceId} is ${before.state}, not pending; only a pending device is accepted`);
  const key = parsePublicKeyPem(o.publicKeyPem, `the public key offered for ${deviceId}`);
  const actual = keyFingerprint(key);
  const given = o.fingerprint.trim().toLowerCase().replace(/[:\s]/g, '');
  if (given !== actual) {
    throw new CasecamError('usage', `fingerprint mismatch for ${deviceId}: the key offered is ${actual}, the installer read ${given}; not accepted, the device stays pending`);
  }
  if (before.evidenceKeys.some((k) => k.fingerprint === actual && k.revokedAt)) {
    throw new CasecamError('usage', `key ${actual} of ${deviceId} was revoked; a revoked key is never accepted again`);
  }
  const at = o.now.toISOString();
  const publicKeyPem = key.export({ type: 'spki', format: 'pem' }) as string;
  const known = before.evidenceKeys.some((k) => k.fingerprint === actual);
  const entry: DeviceEntry = {
    ...before,
    state: 'active',
    evidenceKeys: known ? before.evidenceKeys : [...before.evidenceKeys, { fingerprint: actual, publicKeyPem, acceptedAt: at, acceptedBy: o.by }],
    history: [...before.history, { at, by: o.by, action: 'accepted', fingerprint: actual }],
  };
  await store.put(entry);
  return entry;
}

export async function revokeDevice(store: RegistryStore, deviceId: string, o: Step & { reason: string; since?: Date }): Promise<DeviceEntry> {
  const before = await store.require(deviceId);
  const at = o.now.toISOString();
  const since = (o.since ?? o.now).toISOString();
  if (Date.parse(since) > o.now.getTime()) throw new CasecamError('usage', '--since cannot be in the future');
  const entry: DeviceEntry = {
    ...before,
    state: 'revoked',
    certificates: before.certificates.map((c) => (c.revokedAt ? c : { ...c, revokedAt: at, revokedReason: 'keyCompromise' })),
    evidenceKeys: before.evidenceKeys.map((k) => (k.revokedAt && k.revokedAt <= since ? k : { ...k, revokedAt: since })),
    history: [...before.history, { at, by: o.by, action: 'revoked', reason: o.reason, keysUntrustedFrom: since, previousState: before.state }],
  };
  await store.put(entry);
  await refreshCrl(store);
  return entry;
}

export async function retireDevice(store: RegistryStore, deviceId: string, o: Step & { reason: string }): Promise<DeviceEntry> {
  const before = await store.require(deviceId);
  if (before.state === 'revoked' || before.state === 'retired') throw new CasecamError('usage', `device ${deviceId} is already ${before.state}`);
  const at = o.now.toISOString();
  const entry: DeviceEntry = {
    ...before,
    state: 'retired',
    certificates: before.certificates.map((c) => (c.revokedAt ? c : { ...c, revokedAt: at, revokedReason: 'cessationOfOperation' })),
    history: [...before.history, { at, by: o.by, action: 'retired', reason: o.reason, previousState: before.state }],
  };
  await store.put(entry);
  await refreshCrl(store);
  return entry;
}
