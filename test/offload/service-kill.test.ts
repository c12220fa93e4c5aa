/**
 * kill -9 of the whole service (test/helpers/service-host.ts: main process and media
 * workers) while it uploads a case to s3rver under a bandwidth cap; after the restart
 * the upload finishes from the LevelDB row with the bundle staged before the kill (not
 * a new one: the objects sent before and after the kill form one bundle that verifies
 * with the device's pinned key).
 */
import test from 'ava';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HostClient } from '../helpers/host-client.js';
import { S3Server } from '../helpers/s3-server.js';
import { parseConfig } from '../../src/config/load.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { Store } from '../../src/store/store.js';
import { silentLogger } from '../../src/core/logger.js';
import { offloadTable } from '../../src/offload/offload-queue.js';
import { verifyBundle } from '../../src/export/bundle-verify.js';

test('kill -9 of the service mid-upload: the restart finishes the same staged bundle, intact', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-svc-kill-');
  t.teardown(async () => {
    client.destroy();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const base = testConfig(path.join(root, 'data'), { deviceId: 'VAN-07', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const slow = parseConfig({ ...base, offload: s3.offloadConfig({ maxBytesPerSecond: 100_000 }) });
  let host = await HostClient.start(slow, root);
  t.teardown(() => host.child.kill('SIGKILL'));
  await host.call('open', { caseId: 'KILL-1' });
  await sleep(3000);
  await host.call('close', { caseId: 'KILL-1' });
  const prefix = 'casecam/permit-counter/no-unit/VAN-07/KILL-1/';
  await waitFor(async () => (await s3.keys(client, prefix)).length >= 3, 60_000, 'three objects uploaded');
  const before = await s3.keys(client, prefix);
  await host.kill9();

  host = await HostClient.start(parseConfig({ ...base, offload: s3.offloadConfig() }), root);
  // Done when every file SHA256SUMS names (and the five bundle files) is in the bucket.
  const sums = (await s3.get(client, `${prefix}SHA256SUMS`)).toString();
  const expected = new Set(['manifest.sig', 'SHA256SUMS', 'SHA256SUMS.sig', ...sums.trim().split('\n').map((l) => l.split('  ')[1]!)]);
  await waitFor(async () => {
    const have = new Set((await s3.keys(client, prefix)).map((k) => k.slice(prefix.length)));
    return [...expected].every((f) => have.has(f));
  }, 90_000, 'every file of the bundle in the bucket');
  await host.stop();
  t.true(before.length < expected.size, `the kill came mid-upload (${before.length} of ${expected.size} objects)`);

  const store = await Store.open(path.join(root, 'data', 'db'), silentLogger());
  const row = await offloadTable(store, silentLogger()).get('KILL-1');
  await store.close();
  t.is(row?.status, 'uploaded');
  const bundle = path.join(root, 'from-bucket');
  for (const k of await s3.keys(client, prefix)) {
    const dest = path.join(bundle, k.slice(prefix.length));
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, await s3.get(client, k));
  }
  const v = await verifyBundle(bundle, { trustedKeyPem: await readFile(path.join(root, 'data', 'keys', 'device.pub.pem')) });
  t.deepEqual(v.problems, []);
  t.true(v.ok && v.pinned);
});
