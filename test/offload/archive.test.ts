/**
 * Device → bucket → centre → device, with a real mosquitto, s3rver and recorder:
 * - intact: the archive (MQTT 5 shared subscription) verifies the case against the
 *   device's registered key, writes a signed receipt, sends offload.confirm, and only
 *   then are the segments marked offloaded; under a small budget retention then evicts
 *   them and the case export lists them as evicted with where they are.
 * - tampered: an object changed in the bucket before the archive reads it (the archive
 *   is offline, with a persistent session, while the test changes it): no receipt, no
 *   confirm, an offload.failed event naming the file, nothing marked; the device uploads
 *   the file again and that copy is confirmed.
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createPublicKey, verify } from 'node:crypto';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { S3Server } from '../helpers/s3-server.js';
import { tempDir, waitFor } from '../helpers/test-config.js';
import { recordCase } from '../evidence/helpers.js';
import { startArchive, startDevice } from './helpers.js';
import { caseSegments } from '../../src/export/bundle-export.js';
import { ReceiptSchema } from '../../src/archive/receipt.js';
import { loadOrCreateDeviceKey } from '../../src/evidence/device-key.js';
import { cli } from '../evidence/helpers.js';

interface Ev {
  type: string;
  caseId?: string;
  file?: string;
  reason?: string;
  key?: string;
  caseIds?: string[];
}

async function rig(t: import('ava').ExecutionContext, name: string) {
  const broker = await Mosquitto.start();
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir(`casecam-${name}-`);
  const watch = await Watcher.connect(broker.url, ['casecam/+/events']);
  t.teardown(async () => {
    await watch.close();
    client.destroy();
    await s3.stop();
    await broker.stop();
    await rm(root, { recursive: true, force: true });
  });
  return { broker, s3, client, root, watch, events: () => watch.json<Ev>('casecam/VAN-07/events') };
}

test('intact upload: receipt, confirm, marked offloaded, then evicted under pressure and export says where', async (t) => {
  const { broker, s3, client, root, watch, events } = await rig(t, 'archive-ok');
  // Budget: room for the case, then pressure once more footage is recorded.
  const device = await startDevice({ dataDir: path.join(root, 'data'), brokerUrl: broker.url, deviceId: 'VAN-07', offload: s3.offloadConfig({ retentionDays: { 'permit-counter': 365 } }), storage: { checkSeconds: 0.25 } });
  const archive = await startArchive({ root, device, s3, brokerUrl: broker.url });
  t.teardown(async () => {
    await archive.stop();
    await device.app.stop();
  });
  const r = device.app;
  const caseId = 'CNT-2026-0001';
  await recordCase(r, caseId, 3);
  const confirmed = await watch.until(() => events().find((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(caseId)), 'offload.confirmed', 90_000);
  t.truthy(confirmed);
  const uploaded = events().find((e) => e.type === 'offload.uploaded' && e.caseId === caseId)!;
  const keyBase = uploaded.key!;
  t.is(keyBase, `casecam/permit-counter/Patrol 3/VAN-07/${caseId}`);
  t.true(events().some((e) => e.type === 'offload.queued' && e.caseId === caseId));
  t.true(events().some((e) => e.type === 'offload.progress' && e.caseId === caseId));

  // The receipt is stored and signed by the archive's key, and names every uploaded file with its hash.
  const json = await s3.get(client, `${keyBase}/receipt.json`);
  const sig = await s3.get(client, `${keyBase}/receipt.sig`);
  const archiveKey = await loadOrCreateDeviceKey(path.join(root, 'archive-key'));
  t.true(verify(null, json, createPublicKey(archiveKey.publicPem), sig));
  const receipt = ReceiptSchema.parse(JSON.parse(json.toString()));
  const row = (await device.offload.table.get(caseId))!;
  t.deepEqual(receipt.files.map((f) => [f.file, f.sha256]).sort(), Object.entries(row.objects).map(([f, o]) => [f, o.sha256]).sort());
  t.is(receipt.retention.days, 365);
  t.false(receipt.retention.enforcedByBucket, 's3rver has no Object Lock');
  await waitFor(async () => (await device.offload.table.get(caseId))?.status === 'confirmed', 10_000, 'confirmed row');
  const health = await device.offload.health();
  t.like(health, { cases: 0, bytes: 0, awaitingConfirmation: 0, oldestQueuedAt: null });
  t.true(health.bytesPerSecond > 0, 'the upload of the last minute shows as a rate');
  const segs = await caseSegments(r.store, caseId);
  t.true(segs.length >= 3 && segs.every((s) => s.offloadTarget === `s3://evidence/${keyBase}`));

  // Retrieval at the centre: found from the receipt index, fetched as a bundle casecam verify accepts.
  const s3args = ['--endpoint', s3.endpoint, '--bucket', s3.bucket, '--credentials', s3.credentialsFile];
  const found = await cli('archive', 'find', ...s3args, '--device', 'VAN-07', '--json');
  t.is(found.code, 0, found.stderr);
  t.deepEqual((JSON.parse(found.stdout) as Array<{ caseId: string }>).map((x) => x.caseId), [caseId]);
  const none = await cli('archive', 'find', ...s3args, '--category', 'incident', '--json');
  t.deepEqual(JSON.parse(none.stdout), []);
  const fetched = path.join(root, 'fetched');
  const fetch = await cli('archive', 'fetch', caseId, ...s3args, '--out', fetched, '--keys', path.join(root, 'keys'));
  t.is(fetch.code, 0, fetch.stderr);
  const checked = await cli('verify', fetched, '--key', path.join(root, 'keys', 'VAN-07.pub.pem'));
  t.is(checked.code, 0, checked.stderr);

  // Storage pressure: the confirmed case footage may now go, and the export says where it is.
  await device.app.stop();
  const status = await cli('offload', 'status', '--data', path.join(root, 'data'));
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, new RegExp(`${caseId}\\s+confirmed\\s+\\[#{20}\\]`));
  const { buildService } = await import('../../src/service/build-service.js');
  const { silentLogger } = await import('../../src/core/logger.js');
  const used = segs.reduce((n, s) => n + s.bytes, 0);
  const pressed = await buildService({ ...device.app.config, storage: { ...device.app.config.storage, budgetBytes: used + 6 * 125_000, lowFreePercent: 60, reserveBytes: 1 } }, { log: silentLogger() });
  await pressed.start();
  try {
    await waitFor(async () => (await caseSegments(pressed.store, caseId)).some((s) => s.evictedAt !== undefined), 60_000, 'offloaded footage evicted');
  } finally {
    await pressed.stop();
  }
  const out = path.join(root, 'bundle');
  const exp = await cli('case', 'export', caseId, '--data', path.join(root, 'data'), '--out', out);
  t.is(exp.code, 0, exp.stderr);
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { evicted: Array<{ offloadTarget?: string }> };
  t.true(manifest.evicted.length > 0);
  t.true(manifest.evicted.every((e) => e.offloadTarget === `s3://evidence/${keyBase}`));
});

test('a tampered object: no receipt, no confirm, offload.failed names the file, nothing marked; the re-upload is confirmed', async (t) => {
  const { broker, s3, client, root, watch, events } = await rig(t, 'archive-tamper');
  const device = await startDevice({ dataDir: path.join(root, 'data'), brokerUrl: broker.url, deviceId: 'VAN-07', offload: s3.offloadConfig({ retryInitialMs: 8000, retryMaxMs: 8000 }) });
  // A persistent session: the broker keeps offload.uploaded for the archive while it is away.
  let archive = await startArchive({ root, device, s3, brokerUrl: broker.url, group: '', clientId: 'archive-1' });
  await archive.stop();
  t.teardown(async () => {
    await archive.stop();
    await device.app.stop();
  });
  const r = device.app;
  const caseId = 'CNT-2026-0002';
  await recordCase(r, caseId, 3);
  const uploaded = await watch.until(() => events().find((e) => e.type === 'offload.uploaded' && e.caseId === caseId), 'offload.uploaded', 60_000);
  const row = (await device.offload.table.get(caseId))!;
  const victim = Object.keys(row.objects).find((f) => f.startsWith('media/cam1/'))!;
  const original = await s3.get(client, `${uploaded.key}/${victim}`);
  const bad = Buffer.from(original);
  bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff;
  // The tamperer keeps the object's metadata, so only the bytes give it away.
  await s3.put(client, `${uploaded.key}/${victim}`, bad, await s3.metadata(client, `${uploaded.key}/${victim}`));

  archive = await startArchive({ root, device, s3, brokerUrl: broker.url, group: '', clientId: 'archive-1' });
  const failed = await watch.until(() => events().find((e) => e.type === 'offload.failed' && e.caseId === caseId && e.file), 'offload.failed', 60_000);
  t.is(failed.file, victim);
  t.regex(failed.reason!, /rejected.*content changed/);
  t.false((await s3.keys(client, `${uploaded.key}/`)).some((k) => k.endsWith('receipt.json')), 'no receipt for a case that failed');
  t.false(events().some((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(caseId)));
  t.true((await caseSegments(r.store, caseId)).every((s) => s.offloadedAt === undefined));

  // The device sends the file again after its backoff; that copy verifies and is confirmed.
  await watch.until(() => events().find((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(caseId)), 'offload.confirmed after re-upload', 90_000);
  t.deepEqual(await s3.get(client, `${uploaded.key}/${victim}`), original);
  t.true((await caseSegments(r.store, caseId)).every((s) => s.offloadedAt !== undefined));
});
