/**
 * Against the minimal strict S3 endpoint (test/helpers/strict-s3.ts), which has what
 * s3rver lacks:
 * - ListParts: kill -9 of a child in the middle of a multipart upload; the restart asks
 *   the server which parts it has and no part is stored twice; the object is intact.
 * - checksum refusal: a byte flipped in transit (fault proxy, `corrupt`) makes the server
 *   refuse the part (BadDigest); the next attempt resumes and the object is intact.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../helpers/test-config.js';
import { StrictS3 } from '../helpers/strict-s3.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { killAfterTwoParts } from '../helpers/multipart-kill.js';
import { OffloadConfigSchema } from '../../src/config/offload-schema.js';
import type { OffloadObject } from '../../src/offload/offload-record.js';
import { makeS3Client } from '../../src/offload/s3-client.js';
import { uploadFile } from '../../src/offload/upload-file.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';

const MiB = 1024 * 1024;

async function setup(t: import('ava').ExecutionContext, size: number) {
  const s3 = await StrictS3.start();
  const root = await tempDir('casecam-strict-');
  t.teardown(async () => {
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const credentialsFile = path.join(root, 'creds.json');
  await writeFile(credentialsFile, JSON.stringify({ accessKeyId: 'TEST', secretAccessKey: 'TEST' }));
  const file = path.join(root, 'big.mkv');
  const body = randomBytes(size);
  await writeFile(file, body);
  const config = (endpoint: string, extra: Record<string, unknown> = {}) => OffloadConfigSchema.parse({ endpoint, bucket: 'evidence', credentialsFile, partBytes: 5 * MiB, ...extra });
  return { s3, root, file, body, config };
}

test('kill -9 mid multipart with ListParts: no part is stored twice, the object is intact', async (t) => {
  const { s3, root, file, body, config } = await setup(t, 16 * MiB);
  const key = 'casecam/test/no-unit/DEV/CASE-1/media/cam1/big.mkv';
  const dbDir = path.join(root, 'db');
  const cfg = config(s3.endpoint, { maxBytesPerSecond: 8 * MiB });
  const { saved } = await killAfterTwoParts({ dbDir, file, config: cfg, key });
  const before = s3.partsStored.length;
  const client = await makeS3Client(config(s3.endpoint));
  t.teardown(() => client.destroy());
  let final: OffloadObject = saved;
  await uploadFile({ s3: client, bucket: 'evidence', key, object: saved, partBytes: cfg.partBytes, metadata: { sha256: saved.sha256 }, save: async (o) => void (final = o) });
  t.true(final.done);
  t.is(s3.listPartsCalls, 1, 'the restart asked the server');
  const numbers = s3.partsStored.map(([, n]) => n);
  t.deepEqual([...numbers].sort(), [1, 2, 3, 4], `each part stored once (before the kill: ${before})`);
  t.is(sha256Hex(s3.objects.get(key)!.body), sha256Hex(body));
  t.is(s3.objects.get(key)!.metadata.sha256, sha256Hex(body));
});

test('a byte damaged in transit is refused by the server (BadDigest); the next attempt resumes and the object is intact', async (t) => {
  const { s3, file, body, config } = await setup(t, 12 * MiB);
  const proxy = await FaultProxy.start(s3.port, 7 * MiB, 'corrupt');
  t.teardown(() => proxy.stop());
  const client = await makeS3Client(config(proxy.endpoint));
  t.teardown(() => client.destroy());
  const key = 'casecam/test/no-unit/DEV/CASE-2/media/cam1/big.mkv';
  let obj: OffloadObject = { source: file, sha256: sha256Hex(body), bytes: body.length, done: false, parts: [] };
  const attempt = () => uploadFile({ s3: client, bucket: 'evidence', key, object: obj, partBytes: 5 * MiB, metadata: { sha256: obj.sha256 }, save: async (o) => void (obj = o) });
  await t.throwsAsync(attempt(), { name: 'BadDigest' });
  t.is(s3.badDigests, 1);
  t.deepEqual(obj.parts.map((p) => p.n), [1], 'the refused part is not recorded');
  await attempt();
  t.true(obj.done);
  t.is(sha256Hex(s3.objects.get(key)!.body), sha256Hex(body));
});
