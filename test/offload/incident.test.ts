/**
 * Incident priority, through a real mosquitto and s3rver: two routine cases wait in a
 * bandwidth-capped queue; an `incident` command opens a case, and its segments are in
 * the bucket within 10 s of being sealed while it is still recording, ahead of the
 * routine cases (the cap does not hold incident uploads).
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { S3Server } from '../helpers/s3-server.js';
import { tempDir, waitFor } from '../helpers/test-config.js';
import { recordCase } from '../evidence/helpers.js';
import { startDevice } from './helpers.js';

test('an incident while recording: its segments reach the bucket within 10 s of sealing, ahead of routine cases', async (t) => {
  const broker = await Mosquitto.start();
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-incident-');
  const watch = await Watcher.connect(broker.url, ['casecam/+/events', 'casecam/+/cmd/reply']);
  const device = await startDevice({ dataDir: path.join(root, 'data'), brokerUrl: broker.url, deviceId: 'VAN-07', offload: s3.offloadConfig({ maxBytesPerSecond: 100_000 }) });
  t.teardown(async () => {
    await device.app.stop();
    await watch.close();
    client.destroy();
    await s3.stop();
    await broker.stop();
    await rm(root, { recursive: true, force: true });
  });
  const r = device.app;
  await recordCase(r, 'ROUTINE-1', 3);
  await recordCase(r, 'ROUTINE-2', 3);

  const sealedAt = new Map<string, number>();
  r.bus.on('segment.sealed', (e) => {
    if (e.caseIds.some((c) => c.startsWith('INC-'))) sealedAt.set(e.segmentId, Date.now());
  });
  await watch.client.publishAsync('casecam/VAN-07/cmd', JSON.stringify({ requestId: 'inc-1', action: 'incident', kind: 'violent-resistance', caseId: 'INC-1', note: 'driver attacked the inspector' }), { qos: 1 });
  const reply = await watch.until(() => watch.json<{ requestId: string; ok: boolean; result?: { caseId: string; upload: string } }>('casecam/VAN-07/cmd/reply').find((x) => x.requestId === 'inc-1'), 'incident reply');
  t.true(reply.ok);
  t.deepEqual([reply.result?.caseId, reply.result?.upload], ['INC-1', 'priority']);
  t.true(watch.json<{ type: string; kind?: string }>('casecam/VAN-07/events').some((e) => e.type === 'alarm.raised' && e.kind === 'violent-resistance'));

  // While it records: watch the bucket for each sealed segment.
  const keyBase = 'casecam/incident/Patrol 3/VAN-07/INC-1';
  const inBucketAt = new Map<string, number>();
  await waitFor(async () => {
    for (const k of await s3.keys(client, `${keyBase}/media/`)) {
      const id = path.basename(k, '.mkv');
      if (!inBucketAt.has(id)) inBucketAt.set(id, Date.now());
    }
    return [...sealedAt.keys()].filter((id) => inBucketAt.has(id)).length >= 4;
  }, 40_000, 'four incident segments in the bucket');
  t.is((await r.store.cases.get('INC-1'))?.status, 'open', 'uploaded while the case is still recording');
  const delays = [...sealedAt].filter(([id]) => inBucketAt.has(id)).map(([id, at]) => (inBucketAt.get(id)! - at) / 1000);
  t.log(`sealed → in bucket (s): ${delays.map((d) => d.toFixed(1)).join(', ')}`);
  t.true(delays.every((d) => d <= 10), `every delay within 10 s: ${delays.join(', ')}`);
  // Ahead of the routine queue: neither routine case has finished uploading yet.
  const routine = await Promise.all(['ROUTINE-1', 'ROUTINE-2'].map((id) => device.offload.table.get(id)));
  t.true(routine.some((row) => row?.status === 'queued' || row?.status === 'uploading'), 'routine cases still waiting behind the incident');
});
