/**
 * The link drops in the middle of an upload (a TCP fault proxy in front of s3rver cuts
 * the connection once, mid-body): the uploader retries and the case still ends in the
 * bucket byte-identical.
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { nextEvent, recordCase, startRecorder } from '../evidence/helpers.js';
import { tempDir, testConfig } from '../helpers/test-config.js';
import { S3Server } from '../helpers/s3-server.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { silentLogger } from '../../src/core/logger.js';
import { OffloadService } from '../../src/offload/offload-service.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';

test('a connection cut in the middle of an object is retried and the case completes intact', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const proxy = await FaultProxy.start(s3.port, 300_000);
  const root = await tempDir('casecam-cut-');
  const config = testConfig(path.join(root, 'data'), { deviceId: 'VAN-07', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const r = await startRecorder(config);
  const offload = new OffloadService({ config: { ...s3.offloadConfig(), endpoint: proxy.endpoint }, deviceId: 'VAN-07', recorder: r, bus: r.bus, clock: r.clock, log: silentLogger() });
  await offload.start();
  t.teardown(async () => {
    await offload.stop();
    await r.stop();
    client.destroy();
    await proxy.stop();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const uploaded = nextEvent(r, 'offload.uploaded', (e) => e.caseId === 'CUT-1', 60_000);
  await recordCase(r, 'CUT-1', 4);
  const up = await uploaded;
  t.is(proxy.cuts, 1, 'the link was cut once, mid-request');
  const row = (await offload.table.get('CUT-1'))!;
  t.true(Object.values(row.objects).reduce((n, o) => n + o.bytes, 0) > 300_000, 'the cut fell inside the case');
  for (const [file, obj] of Object.entries(row.objects)) t.is(sha256Hex(await s3.get(client, `${up.key}/${file}`)), obj.sha256, file);
});
