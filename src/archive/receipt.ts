/**
 * The centre's receipt (`receipt.json` + `receipt.sig` beside the case's objects):
 * what was verified, with which keys, and how long the case is to be kept. Signed
 * (Ed25519, raw signature over the exact bytes) with the archive's own key.
 */
import { z } from 'zod';
import { signBytes, type DeviceKey } from '../evidence/device-key.js';

export const RECEIPT_FORMAT = 'casecam-receipt/1';
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ReceiptSchema = z.object({
  format: z.literal(RECEIPT_FORMAT),
  caseId: z.string(),
  deviceId: z.string(),
  category: z.string(),
  unit: z.string(),
  bucket: z.string(),
  key: z.string(),
  verifiedAt: z.iso.datetime({ offset: true }),
  verifiedBy: z.string(),
  archiveKeyFingerprint: Sha256,
  deviceKeyFingerprint: Sha256,
  manifestSha256: Sha256,
  /** Case window, for `archive find` by time. */
  openedAt: z.string(),
  closedAt: z.string().optional(),
  files: z.array(z.object({ file: z.string(), sha256: Sha256, bytes: z.number().int().nonnegative() })),
  retention: z.object({
    days: z.number().int().positive().nullable(),
    /** False when the bucket has no Object Lock: the class is only metadata there. */
    enforcedByBucket: z.boolean(),
    legalHold: z.boolean(),
  }),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export function signReceipt(receipt: Receipt, key: DeviceKey): { json: Buffer; sig: Buffer } {
  const json = Buffer.from(JSON.stringify(ReceiptSchema.parse(receipt), null, 2) + '\n', 'utf8');
  return { json, sig: signBytes(key, json) };
}
