/**
 * Reading one uploaded case back from the bucket into a local directory laid out as a
 * bundle (every object under the case's key, except the centre's own receipt), with
 * each object's SHA-256 metadata compared with the bytes read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { sha256Hex } from '../evidence/journal-hash.js';
import { RECEIPT_FILE, RECEIPT_SIG_FILE } from '../offload/object-key.js';

export interface ReadBack {
  files: Array<{ file: string; sha256: string; bytes: number }>;
  /** Objects whose bytes do not match their own `sha256` metadata (or that lack it). */
  problems: Array<{ file: string; reason: string }>;
}

export function listCaseObjects(s3: S3Client, bucket: string, keyBase: string): Promise<string[]> {
  return listCaseObjectsUnder(s3, bucket, `${keyBase}/`);
}

export async function listCaseObjectsUnder(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    out.push(...(r.Contents ?? []).map((c) => c.Key!).filter(Boolean));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

/** A bundle path from an object key; undefined for anything that could leave the directory. */
function bundlePath(keyBase: string, key: string): string | undefined {
  const rel = key.slice(keyBase.length + 1);
  if (!rel || rel.split('/').some((p) => p === '' || p === '.' || p === '..') || rel.includes('\\')) return undefined;
  return rel;
}

export async function readCase(s3: S3Client, bucket: string, keyBase: string, dir: string, opts: { withReceipt?: boolean } = {}): Promise<ReadBack> {
  const files: ReadBack['files'] = [];
  const problems: ReadBack['problems'] = [];
  for (const key of await listCaseObjects(s3, bucket, keyBase)) {
    const file = bundlePath(keyBase, key);
    if (!file) {
      problems.push({ file: key, reason: 'object key is not a bundle path' });
      continue;
    }
    if (!opts.withReceipt && (file === RECEIPT_FILE || file === RECEIPT_SIG_FILE)) continue;
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await r.Body!.transformToByteArray());
    const sha256 = sha256Hex(body);
    const meta = r.Metadata?.sha256;
    if (file !== RECEIPT_FILE && file !== RECEIPT_SIG_FILE) {
      if (!meta) problems.push({ file, reason: 'object has no sha256 metadata' });
      else if (meta !== sha256) problems.push({ file, reason: `content changed in the bucket (SHA-256 ${sha256.slice(0, 12)}…, uploaded as ${meta.slice(0, 12)}…)` });
    }
    const dest = path.join(dir, file);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, body);
    files.push({ file, sha256, bytes: body.length });
  }
  return { files, problems };
}
