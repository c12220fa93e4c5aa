/**
 * The fleet registry's documents (docs/provisioning.md). One JSON file per device,
 * `devices/<deviceId>.json`, and `registry.json` at the top. Both are validated with
 * these schemas whenever they are read, so a hand-edited file that breaks the shape
 * is refused with the field named, never half-used.
 */
import { z } from 'zod';
import { ConfigSchema } from '../config/schema.js';

export const REGISTRY_FORMAT = 'casecam-registry/1';
export const DEVICE_FORMAT = 'casecam-device/1';

const Iso = z.iso.datetime({ offset: true });
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 in lower-case hex');
/** The same rule as the device's own `deviceId` (it names MQTT topics and certificates). */
export const DeviceIdSchema = ConfigSchema.shape.deviceId;

export const DeviceStateSchema = z.enum(['pending', 'active', 'retired', 'revoked']);
export type DeviceState = z.infer<typeof DeviceStateSchema>;

export const RegistryMetaSchema = z.object({
  format: z.literal(REGISTRY_FORMAT),
  createdAt: Iso,
  createdBy: z.string().min(1),
  /** SHA-256 of the fleet CA certificate's DER, so a swapped ca.pem is noticed. */
  caFingerprint: Sha256,
});
export type RegistryMeta = z.infer<typeof RegistryMetaSchema>;

/** One TLS client certificate issued to the device. */
export const CertificateSchema = z.object({
  serial: z.string().regex(/^[0-9A-F]+$/, 'upper-case hex'),
  notBefore: Iso,
  notAfter: Iso,
  issuedAt: Iso,
  revokedAt: Iso.optional(),
  /** CRL reason: keyCompromise, superseded, cessationOfOperation, … */
  revokedReason: z.string().optional(),
});
export type Certificate = z.infer<typeof CertificateSchema>;

/** An evidence key the device reported and a person accepted. */
export const EvidenceKeySchema = z.object({
  fingerprint: Sha256,
  publicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
  acceptedAt: Iso,
  acceptedBy: z.string().min(1),
  /** Signatures made at or after this time are not trusted. */
  revokedAt: Iso.optional(),
});
export type EvidenceKey = z.infer<typeof EvidenceKeySchema>;

export const HistoryEntrySchema = z
  .object({
    at: Iso,
    by: z.string().min(1),
    action: z.enum(['provisioned', 're-provisioned', 'accepted', 'renewed', 'revoked', 'retired']),
  })
  .catchall(z.unknown());
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const DeviceEntrySchema = z.object({
  format: z.literal(DEVICE_FORMAT),
  deviceId: DeviceIdSchema,
  kind: z.enum(['vehicle', 'counter']),
  unit: z.string().max(128).nullable(),
  site: z.string().max(128).nullable(),
  plate: z.string().max(32).nullable(),
  model: z.string().max(64),
  serial: z.string().max(64).nullable(),
  state: DeviceStateSchema,
  /** Every evidence key ever accepted for this device, oldest first. */
  evidenceKeys: z.array(EvidenceKeySchema),
  /** Every TLS certificate ever issued to it, oldest first; the last one is current. */
  certificates: z.array(CertificateSchema).min(1),
  /** Append-only: every step, who did it and when. */
  history: z.array(HistoryEntrySchema).min(1),
});
export type DeviceEntry = z.infer<typeof DeviceEntrySchema>;
