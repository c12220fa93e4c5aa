/**
 * Uploads one local file to one S3 key with its SHA-256 checked by the server where it
 * can (`x-amz-checksum-sha256`) and recorded in the object's metadata (`sha256`, hex, of
 * the whole file) for the centre to compare.
 *
 * Invariants:
 * - Small files go in one PutObject; larger ones multipart, with low-level commands so
 *   the upload ID and every acknowledged part are saved (`save`) before the next part
 *   starts: a restart continues the same multipart upload.
 * - On resume, ListParts is the truth where the server has it (a part it lists is not
 *   sent again). A server that says the upload is gone (NoSuchUpload) restarts the file.
 *   A server without ListParts (NotImplemented and the like) is trusted for the parts it
 *   acknowledged with an ETag, which we saved; if completing then fails, the file restarts.
 * - Bodies are Buffers with a known length (never streams): some S3-compatible servers
 *   store a corrupt object from the SDK's chunked streaming encoding.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CasecamError } from '../core/errors.js';
import type { OffloadObject, Part } from './offload-record.js';
import { s3ErrorName } from './s3-client.js';
import type { Throttle } from './throttle.js';
import type { ObjectLockParams } from './object-lock.js';

export interface UploadFileOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  object: OffloadObject;
  partBytes: number;
  metadata: Record<string, string>;
  /** S3 Object Lock parameters (object-lock.ts), sent with the PutObject or CreateMultipartUpload. */
  lock?: ObjectLockParams;
  /** Persist the object's state (called after each acknowledged part). */
  save(object: OffloadObject): Promise<void>;
  throttle?: Throttle;
  /** Bytes acknowledged by the server, for progress. */
  onBytes?(n: number): void;
  signal?: AbortSignal;
}

const b64sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('base64');

export async function uploadFile(o: UploadFileOptions): Promise<void> {
  if (o.object.done) return;
  if (o.object.bytes <= o.partBytes) return putWhole(o);
  return putMultipart(o);
}

async function putWhole(o: UploadFileOptions): Promise<void> {
  const body = await readFile(o.object.source);
  checkUnchanged(o, body.length, createHash('sha256').update(body).digest('hex'));
  await o.throttle?.take(body.length, o.signal);
  await o.s3.send(
    new PutObjectCommand({ Bucket: o.bucket, Key: o.key, Body: body, ContentLength: body.length, ChecksumSHA256: b64sha256(body), Metadata: o.metadata, ...o.lock }),
    { abortSignal: o.signal },
  );
  o.onBytes?.(body.length);
  await o.save({ ...o.object, done: true, uploadId: undefined, parts: [] });
}

async function putMultipart(o: UploadFileOptions): Promise<void> {
  let obj = o.object;
  let parts = await resumeParts(o, obj);
  if (parts === undefined) {
    const created = await o.s3.send(
      new CreateMultipartUploadCommand({ Bucket: o.bucket, Key: o.key, Metadata: o.metadata, ChecksumAlgorithm: 'SHA256', ...o.lock }),
      { abortSignal: o.signal },
    );
    if (!created.UploadId) throw new CasecamError('storage', `no upload ID from the server for ${o.key}`);
    parts = [];
    obj = { ...obj, uploadId: created.UploadId, parts };
    await o.save(obj);
  } else {
    obj = { ...obj, parts };
  }
  const uploadId = obj.uploadId!;
  const count = Math.ceil(obj.bytes / o.partBytes);
  const have = new Set(parts.map((p) => p.n));
  const fh = await open(obj.source, 'r');
  try {
    for (let n = 1; n <= count; n++) {
      if (have.has(n)) continue;
      const length = partLength(o, n);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, (n - 1) * o.partBytes);
      if (bytesRead !== length) throw new CasecamError('storage', `${obj.source} is shorter than recorded: the file changed since it was queued`);
      const sha256 = b64sha256(buf);
      await o.throttle?.take(length, o.signal);
      const r = await o.s3.send(
        new UploadPartCommand({ Bucket: o.bucket, Key: o.key, UploadId: uploadId, PartNumber: n, Body: buf, ContentLength: length, ChecksumSHA256: sha256 }),
        { abortSignal: o.signal },
      );
      if (!r.ETag) throw new CasecamError('storage', `no ETag for part ${n} of ${o.key}`);
      parts = [...parts, { n, etag: r.ETag, sha256 }];
      obj = { ...obj, parts };
      await o.save(obj);
      o.onBytes?.(length);
    }
  } finally {
    await fh.close();
  }
  const sorted = [...parts].sort((a, b) => a.n - b.n);
  try {
    await o.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: o.bucket,
        Key: o.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.n, ETag: p.etag, ChecksumSHA256: p.sha256 })) },
      }),
      { abortSignal: o.signal },
    );
  } catch (err) {
    // The server lost the upload or refused our parts: start the file again next attempt.
    if (['NoSuchUpload', 'InvalidPart', 'InvalidPartOrder'].includes(s3ErrorName(err) ?? '')) await o.save({ ...obj, uploadId: undefined, parts: [] });
    throw err;
  }
  await o.save({ ...obj, done: true, uploadId: undefined, parts: [] });
}

/** The parts already on the server for a saved upload ID, or undefined to start a new upload. */
async function resumeParts(o: UploadFileOptions, obj: OffloadObject): Promise<Part[] | undefined> {
  if (!obj.uploadId) return undefined;
  try {
    const listed: Part[] = [];
    let marker: string | undefined;
    for (;;) {
      const r = await o.s3.send(new ListPartsCommand({ Bucket: o.bucket, Key: o.key, UploadId: obj.uploadId, PartNumberMarker: marker }), { abortSignal: o.signal });
      for (const p of r.Parts ?? []) {
        if (p.PartNumber === undefined || !p.ETag) continue;
        const mine = obj.parts.find((q) => q.n === p.PartNumber);
        // A listed part of the wrong size (a part cut short) is sent again.
        if (p.Size !== undefined && p.Size !== partLength(o, p.PartNumber)) continue;
        listed.push({ n: p.PartNumber, etag: p.ETag, sha256: p.ChecksumSHA256 ?? mine?.sha256 ?? '' });
      }
      if (!r.IsTruncated || !r.NextPartNumberMarker) break;
      marker = r.NextPartNumberMarker;
    }
    return listed.filter((p) => p.sha256 !== '');
  } catch (err) {
    const name = s3ErrorName(err);
    if (name === 'NoSuchUpload') {
      await o.save({ ...obj, uploadId: undefined, parts: [] });
      return undefined;
    }
    if (o.signal?.aborted) throw err;
    // No ListParts on this server: trust the parts it acknowledged (saved with their ETags).
    return obj.parts;
  }
}

function partLength(o: UploadFileOptions, n: number): number {
  return Math.min(o.partBytes, o.object.bytes - (n - 1) * o.partBytes);
}

function checkUnchanged(o: UploadFileOptions, bytes: number, sha256: string): void {
  if (bytes !== o.object.bytes || sha256 !== o.object.sha256) {
    throw new CasecamError('storage', `${o.object.source} no longer matches the SHA-256 recorded when it was queued`);
  }
}

/** Best effort: free the server's parts of an upload we gave up. */
export async function abortUpload(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
}
