/**
 * S3 Object Lock per object, against the strict S3 endpoint (test/helpers/strict-s3.ts:
 * s3rver has no Object Lock), which keeps the lock headers that arrive and refuses them
 * as AWS S3 does on a bucket without Object Lock:
 * - a routine case: every object retained until upload + its category's days, in the
 *   configured mode, no legal hold; an incident case: a legal hold on every object too;
 * - a file above the part size: the lock goes with CreateMultipartUpload;
 * - a bucket without Object Lock: `objectLock` set is refused (the upload fails, retried,
 *   with the server's reason); `off` (the default) sends no lock parameters and uploads.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nextEvent, recordCase, startRecorder } from '../evidence/helpers.js';
import { tempDir, testConfig } from '../helpers/test-config.js';
import { StrictS3 } from '../helpers/strict-s3.js';
import { silentLogger } from '../../src/core/logger.js';
import { OffloadConfigSchema, type OffloadConfig } from '../../src/config/offload-schema.js';
import { OffloadService } from '../../src/offload/offload-service.js';
import { makeS3Client } from '../../src/offload/s3-client.js';
import { uploadFile } from '../../src/offload/upload-file.js';
import { objectLockFor } from '../../src/offload/object-lock.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';
import type { Service } from '../../src/service/build-service.js';

const DAY = 24 * 3600 * 1000;

async function rig(t: import('ava').ExecutionContext, bucketLock: boolean, offload: Partial<OffloadConfig>) {
  const s3 = await StrictS3.start({ objectLock: bucketLock });
  const root = await tempDir('casecam-lock-');
  const credentialsFile = path.join(root, 'creds.json');
  await writeFile(credentialsFile, JSON.stringify({ accessKeyId: 'TEST', secretAccessKey: 'TEST' }));
  const config = OffloadConfigSchema.parse({ endpoint: s3.endpoint, bucket: 'evidence', credentialsFile, retryInitialMs: 100, retryMaxMs: 1000, ...offload });
  const r = await startRecorder({ ...testConfig(path.join(root, 'data'), { deviceId: 'VAN-12', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 }), unit: 'Patrol 3' });
  const uploader = new OffloadService({ config, deviceId: 'VAN-12', unit: 'Patrol 3', recorder: r, bus: r.bus, clock: r.clock, log: silentLogger() });
  t.teardown(async () => {
    await uploader.stop();
    await r.stop();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  await uploader.start();
  return { s3, r, uploader, root, config };
}

const objectsUnder = (s3: StrictS3, keyBase: string) => [...s3.objects].filter(([k]) => k.startsWith(`${keyBase}/`));

async function incidentCase(r: Service, uploader: OffloadService, caseId: string): Promise<void> {
  const closed = nextEvent(r, 'case.closed', (e) => e.caseId === caseId);
  await r.sessions.open({ caseId, trigger: 'incident', source: 'test', note: 'emergency' });
  await uploader.enqueue(caseId, true);
  await new Promise((res) => setTimeout(res, 2000)); // the case's own length
  await r.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await closed;
}

test('retain-until from the category in the configured mode; a legal hold on incident cases', async (t) => {
  const { s3, r, uploader } = await rig(t, true, { objectLock: 'compliance', retentionDays: { 'permit-counter': 365, incident: 3650 } });
  const routine = nextEvent(r, 'offload.uploaded', (e) => e.caseId === 'LOCK-1', 60_000);
  const before = Date.now();
  await recordCase(r, 'LOCK-1', 2);
  const up = await routine;
  const after = Date.now();
  const objects = objectsUnder(s3, up.key);
  t.true(objects.length >= 5 && objects.some(([k]) => k.endsWith('/manifest.json')), objects.map(([k]) => k).join(', '));
  for (const [key, o] of objects) {
    t.is(o.lock.mode, 'COMPLIANCE', key);
    const until = Date.parse(o.lock.retainUntil!);
    t.true(until >= before + 365 * DAY - 1000 && until <= after + 365 * DAY + 1000, `${key}: ${o.lock.retainUntil}`);
    t.is(o.lock.legalHold, undefined, `${key}: no legal hold on a routine case`);
    t.is(o.metadata['retention-days'], '365');
  }

  const incident = nextEvent(r, 'offload.uploaded', (e) => e.caseId === 'INC-7', 60_000);
  await incidentCase(r, uploader, 'INC-7');
  const inc = await incident;
  t.is(inc.key, 'casecam/incident/Patrol 3/VAN-12/INC-7');
  const held = objectsUnder(s3, inc.key);
  t.true(held.length >= 5);
  for (const [key, o] of held) {
    t.like(o.lock, { mode: 'COMPLIANCE', legalHold: 'ON' }, key);
    t.true(Date.parse(o.lock.retainUntil!) > Date.now() + 3649 * DAY, key);
  }
});

test('a multipart upload carries the lock on CreateMultipartUpload; governance mode; no class, no retention', async (t) => {
  const s3 = await StrictS3.start({ objectLock: true });
  const root = await tempDir('casecam-lock-mp-');
  t.teardown(async () => {
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const credentialsFile = path.join(root, 'creds.json');
  await writeFile(credentialsFile, JSON.stringify({ accessKeyId: 'TEST', secretAccessKey: 'TEST' }));
  const config = OffloadConfigSchema.parse({ endpoint: s3.endpoint, bucket: 'evidence', credentialsFile, partBytes: 5 * 1024 * 1024, objectLock: 'governance', retentionDays: { incident: 30 } });
  const client = await makeS3Client(config);
  t.teardown(() => client.destroy());
  const body = randomBytes(11 * 1024 * 1024);
  const file = path.join(root, 'big.mkv');
  await writeFile(file, body);
  const key = 'casecam/incident/no-unit/VAN-12/INC-8/media/cam1.mkv';
  const lock = objectLockFor(config, { category: 'incident', incident: true, now: Date.now() });
  let done = false;
  await uploadFile({ s3: client, bucket: 'evidence', key, object: { source: file, sha256: sha256Hex(body), bytes: body.length, done: false, parts: [] }, partBytes: config.partBytes, metadata: { sha256: sha256Hex(body) }, lock, save: async (o) => void (done = o.done) });
  t.true(done);
  t.is(s3.partsStored.length, 3, 'multipart');
  t.like(s3.objects.get(key)!.lock, { mode: 'GOVERNANCE', legalHold: 'ON' });
  t.is(sha256Hex(s3.objects.get(key)!.body), sha256Hex(body));
  // A category without a retention class: no retain-until, only the incident's hold.
  t.deepEqual(objectLockFor(config, { category: 'permit-counter', incident: false, now: 0 }), {});
  t.deepEqual(objectLockFor(config, { category: 'permit-counter', incident: true, now: 0 }), { ObjectLockLegalHoldStatus: 'ON' });
  t.deepEqual(objectLockFor({ ...config, objectLock: 'off' }, { category: 'incident', incident: true, now: 0 }), {}, 'off: no lock parameters at all');
});

test('a bucket without Object Lock: objectLock set is refused with the server reason; off (the default) uploads without lock headers', async (t) => {
  const locked = await rig(t, false, { objectLock: 'governance', retentionDays: { 'permit-counter': 365 } });
  const failed = nextEvent(locked.r, 'offload.failed', (e) => e.caseId === 'NOLOCK-1', 60_000);
  await recordCase(locked.r, 'NOLOCK-1', 2);
  t.regex((await failed).reason, /InvalidRequest/);
  t.is(objectsUnder(locked.s3, 'casecam/permit-counter/Patrol 3/VAN-12/NOLOCK-1').length, 0);

  const plain = await rig(t, false, { retentionDays: { 'permit-counter': 365 } });
  t.is(plain.config.objectLock, 'off');
  const uploaded = nextEvent(plain.r, 'offload.uploaded', (e) => e.caseId === 'NOLOCK-2', 60_000);
  await recordCase(plain.r, 'NOLOCK-2', 2);
  const up = await uploaded;
  const objects = objectsUnder(plain.s3, up.key);
  t.true(objects.length >= 5);
  for (const [key, o] of objects) {
    t.deepEqual(o.lock, {}, key);
    t.is(o.metadata['retention-days'], '365', `${key}: the class is in the metadata`);
  }
});
