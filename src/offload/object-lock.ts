/**
 * S3 Object Lock per object (docs/offload.md, "Retention"): where the bucket has Object
 * Lock, each object is uploaded with a retain-until date from its category's retention
 * class (`offload.retentionDays`), in the mode `offload.objectLock` names, and every
 * object of an incident case with a legal hold. `off` (the default) sends no lock
 * parameters: a bucket without Object Lock refuses them, and many S3-compatible stores
 * have none. The class is in the object metadata either way (object-key.ts).
 *
 * The retain-until date counts from the upload (at the centre, the days the case is kept
 * from when it arrived), so a resumed multipart upload keeps the date of its creation.
 */
import type { OffloadConfig } from '../config/offload-schema.js';

export interface ObjectLockParams {
  ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: 'ON';
}

const DAY_MS = 24 * 3600 * 1000;

export function objectLockFor(config: Pick<OffloadConfig, 'objectLock' | 'retentionDays'>, o: { category: string; incident: boolean; now: number }): ObjectLockParams {
  if (config.objectLock === 'off') return {};
  const days = config.retentionDays[o.category];
  return {
    ...(days !== undefined ? { ObjectLockMode: config.objectLock === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', ObjectLockRetainUntilDate: new Date(o.now + days * DAY_MS) } : {}),
    ...(o.incident ? { ObjectLockLegalHoldStatus: 'ON' } : {}),
  };
}
