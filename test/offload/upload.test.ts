/**
 * The uploader against a real S3-compatible server (s3rver 3.7.1 on loopback) with a
 * real recorder: a closed case ends in the bucket byte-identical under the published
 * layout, with each object's SHA-256 in its metadata, and the bucket's copy is a bundle
 * that verifies with the device's pinned key and names the key's category in its manifest. A confirmation marks the segments
 * offloaded; a wrong hash in it marks nothing.
 */
import test from 'ava';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nextEvent, recordCase, startRecorder } from '../evidence/helpers.js';
import { tempDir, testConfig } from '../helpers/test-config.js';
import { S3Server } from '../helpers/s3-server.js';
import { silentLogger } from '../../src/core/logger.js';
import { OffloadService } from '../../src/offload/offload-service.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';
import { verifyBundle } from '../../src/export/bundle-verify.js';
import { caseSegments } from '../../src/export/bundle-export.js';

test('a closed case is uploaded byte-identical with SHA-256 metadata, verifies from the bucket, and is marked offloaded only on confirm', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-offload-');
  const config = testConfig(path.join(root, 'data'), { deviceId: 'VAN-07', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const r = await startRecorder({ ...config, unit: 'Patrol 3' });
  // A counter case filed under the category the agency maps its kind to.
  const offload = new OffloadService({ config: s3.offloadConfig({ categories: { 'permit-counter': 'permit' } }), deviceId: 'VAN-07', unit: 'Patrol 3', recorder: r, bus: r.bus, clock: r.clock, log: silentLogger() });
  t.teardown(async () => {
    await offload.stop();
    await r.stop();
    client.destroy();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  await offload.start();
  const caseId = '淮交罚〔2018〕86号';
  const queued = nextEvent(r, 'offload.queued', (e) => e.caseId === caseId);
  const uploaded = nextEvent(r, 'offload.uploaded', (e) => e.caseId === caseId, 60_000);
  await recordCase(r, caseId, 3);
  t.is((await queued).category, 'permit');
  const up = await uploaded;
  t.is(up.key, `casecam/permit/Patrol 3/VAN-07/${caseId}`);

  // Every object is the local file's bytes, and its metadata names that SHA-256.
  const row = (await offload.table.get(caseId))!;
  const keys = await s3.keys(client, `${up.key}/`);
  t.deepEqual(keys, Object.keys(row.objects).map((f) => `${up.key}/${f}`).sort());
  t.true(keys.some((k) => k.endsWith('/manifest.json')) && keys.some((k) => /\/media\/cam1\/.+\.mkv$/.test(k)));
  const bundle = path.join(root, 'from-bucket');
  for (const [file, obj] of Object.entries(row.objects)) {
    const body = await s3.get(client, `${up.key}/${file}`);
    t.is(sha256Hex(body), obj.sha256, file);
    t.is((await s3.metadata(client, `${up.key}/${file}`)).sha256, obj.sha256, `${file} metadata`);
    await mkdir(path.dirname(path.join(bundle, file)), { recursive: true });
    await writeFile(path.join(bundle, file), body);
  }
  const v = await verifyBundle(bundle, { trustedKeyPem: await readFile(path.join(r.paths.keyDir, 'device.pub.pem')) });
  t.deepEqual(v.problems, []);
  t.true(v.ok && v.pinned);
  t.is(v.category, 'permit', 'the signed manifest names the category of the object key');

  // An S3 "200 OK" alone marks nothing.
  const segs = await caseSegments(r.store, caseId);
  t.true(segs.length >= 3);
  t.true(segs.every((s) => s.offloadedAt === undefined));

  // A confirmation with one wrong hash is refused whole.
  const files = Object.entries(row.objects).map(([file, o]) => ({ file, sha256: o.sha256 }));
  const wrong = files.map((f, i) => (i === files.length - 1 ? { ...f, sha256: '0'.repeat(64) } : f));
  await t.throwsAsync(offload.confirm({ caseId, files: wrong }), { message: /nothing marked/ });
  t.true((await caseSegments(r.store, caseId)).every((s) => s.offloadedAt === undefined));

  const confirmed = nextEvent(r, 'offload.confirmed', (e) => e.caseIds.includes(caseId));
  const res = (await offload.confirm({ caseId, files })) as { complete: boolean; segmentsMarked: number };
  t.true(res.complete);
  t.is(res.segmentsMarked, segs.length);
  t.is((await confirmed).target, `s3://evidence/${up.key}`);
  t.true((await caseSegments(r.store, caseId)).every((s) => s.offloadedAt !== undefined && s.offloadTarget === `s3://evidence/${up.key}`));
  t.is((await offload.table.get(caseId))!.status, 'confirmed');
});
