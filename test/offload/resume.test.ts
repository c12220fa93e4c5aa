/**
 * Resume after kill -9 in the middle of a multipart upload (a child process uploads a
 * 16 MiB file in 5 MiB parts, throttled; it is killed while sending the third part):
 * a new run continues the same upload from the state in LevelDB, sends only the parts
 * not acknowledged, and the object is intact.
 * s3rver has no ListParts, so this covers the "trust the acknowledged parts" path.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../helpers/test-config.js';
import { countUploadParts, killAfterTwoParts } from '../helpers/multipart-kill.js';
import { S3Server } from '../helpers/s3-server.js';
import { uploadFile } from '../../src/offload/upload-file.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';

const MiB = 1024 * 1024;

test('kill -9 during a multipart upload: the next run sends only the missing parts and the object is intact', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-resume-');
  t.teardown(async () => {
    client.destroy();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const file = path.join(root, 'big.mkv');
  const body = randomBytes(16 * MiB);
  await writeFile(file, body);
  const dbDir = path.join(root, 'db');
  const config = s3.offloadConfig({ partBytes: 5 * MiB, maxBytesPerSecond: 8 * MiB });
  const key = 'casecam/test/no-unit/DEV/CASE-1/media/cam1/big.mkv';

  const { saved, output } = await killAfterTwoParts({ dbDir, file, config, key });
  t.false(output.includes('done'), 'killed before the upload completed');
  t.truthy(saved.uploadId);
  t.deepEqual(saved.parts.map((p) => p.n), [1, 2]);

  const sent = countUploadParts(client);
  let final = saved;
  await uploadFile({ s3: client, bucket: s3.bucket, key, object: saved, partBytes: config.partBytes, metadata: { sha256: saved.sha256 }, save: async (o) => void (final = o) });
  t.deepEqual(sent.parts, [3, 4], 'only the parts not acknowledged before the kill');
  t.true(final.done);
  const stored = await s3.get(client, key);
  t.is(stored.length, body.length);
  t.is(sha256Hex(stored), sha256Hex(body));
  t.is((await s3.metadata(client, key)).sha256, sha256Hex(body));
});
