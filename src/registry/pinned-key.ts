/**
 * Which key a bundle must be signed with, by the registry: the evidence key registered
 * for the bundle's device whose fingerprint the bundle names. A key revoked at or before
 * the case opened is refused; one revoked later passes, with a note saying so.
 */
import type { RegistryStore } from './registry-store.js';

export type PinDecision =
  | { ok: true; publicKeyPem: string; fingerprint: string; notes: string[] }
  | { ok: false; reason: string };

export async function pinnedKeyFor(store: RegistryStore, deviceId: string, fingerprint: string, caseOpenedAt: string): Promise<PinDecision> {
  const entry = await store.get(deviceId);
  if (!entry) return { ok: false, reason: `device ${deviceId} is not in the registry ${store.dir}` };
  if (entry.evidenceKeys.length === 0) return { ok: false, reason: `device ${deviceId} has no accepted evidence key in the registry (state ${entry.state})` };
  const key = entry.evidenceKeys.find((k) => k.fingerprint === fingerprint);
  if (!key) {
    const known = entry.evidenceKeys.map((k) => k.fingerprint).join(', ');
    return { ok: false, reason: `the bundle is signed with key ${fingerprint}, which is not registered for ${deviceId} (registered: ${known})` };
  }
  const notes: string[] = [];
  if (key.revokedAt) {
    if (Date.parse(key.revokedAt) <= Date.parse(caseOpenedAt)) {
      return { ok: false, reason: `key ${fingerprint} of ${deviceId} was revoked at ${key.revokedAt}, before the case opened at ${caseOpenedAt}` };
    }
    notes.push(`key ${fingerprint} of ${deviceId} was revoked at ${key.revokedAt}, after the case opened at ${caseOpenedAt}: the bundle was signed while the key was trusted`);
  }
  if (entry.state === 'retired') notes.push(`device ${deviceId} is retired`);
  return { ok: true, publicKeyPem: key.publicKeyPem, fingerprint: key.fingerprint, notes };
}
