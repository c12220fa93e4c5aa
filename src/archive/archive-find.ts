/**
 * Retrieval at the centre: cases are found from the receipt index (one small object per
 * verified case), never by listing media objects; a case is fetched as a bundle that
 * `casecam verify` accepts.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { receiptIndexPrefix } from '../offload/object-key.js';
import { listCaseObjectsUnder } from './bucket-case.js';
import { ReceiptSchema, type Receipt } from './receipt.js';

export interface FindFilter {
  caseId?: string;
  deviceId?: string;
  unit?: string;
  category?: string;
  /** Epoch ms: cases whose window overlaps [from, to). */
  from?: number;
  to?: number;
}

export async function findCases(s3: S3Client, bucket: string, prefix: string, f: FindFilter): Promise<Receipt[]> {
  // The key path narrows by category, then unit, then device, as far as they are given in order.
  const keys = await listCaseObjectsUnder(s3, bucket, receiptIndexPrefix(prefix, { category: f.category, unit: f.category ? f.unit : undefined, deviceId: f.category && f.unit ? f.deviceId : undefined }));
  const out: Receipt[] = [];
  for (const key of keys) {
    if (f.caseId !== undefined && !key.endsWith(`/${f.caseId}.json`)) continue;
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const parsed = ReceiptSchema.safeParse(JSON.parse(await r.Body!.transformToString('utf8')));
    if (!parsed.success) continue;
    const rc = parsed.data;
    if (f.caseId !== undefined && rc.caseId !== f.caseId) continue;
    if (f.deviceId !== undefined && rc.deviceId !== f.deviceId) continue;
    if (f.unit !== undefined && rc.unit !== f.unit) continue;
    if (f.category !== undefined && rc.category !== f.category) continue;
    const opened = Date.parse(rc.openedAt);
    const closed = rc.closedAt ? Date.parse(rc.closedAt) : opened;
    if (f.to !== undefined && opened >= f.to) continue;
    if (f.from !== undefined && closed < f.from) continue;
    out.push(rc);
  }
  return out.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}
