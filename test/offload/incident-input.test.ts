/**
 * The incident input on a GPIO line, through the simulated twin (src/hw/sim/sim-gpio.ts)
 * in the real service, with s3rver and ffmpeg as the command centre's live receiver:
 * a bump shorter than the hold time raises nothing; a hold raises the incident as the
 * `incident` command does: the alarm, a case opened with trigger `incident` from `gpio`,
 * the case first in the upload queue (its segments in the bucket under `incident/` while
 * it records), and live view started without a person.
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { buildService } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AlarmEvent } from '../../src/core/events.js';
import { S3Server } from '../helpers/s3-server.js';
import { LiveReceiver } from '../helpers/live-receiver.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { nextEvent } from '../evidence/helpers.js';

test('a bump raises nothing; a hold of the incident input raises an incident: alarm, case, upload first, live view', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const receiver = await LiveReceiver.start('srt');
  const root = await tempDir('casecam-incident-input-');
  t.teardown(async () => {
    await receiver.kill();
    client.destroy();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const base = testConfig(path.join(root, 'data'), { deviceId: 'VAN-11', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
  const config = parseConfig({
    ...base,
    unit: 'Patrol 3',
    gpio: { reminderSeconds: 0, incidentKind: 'emergency', incidentHoldMs: 1500 },
    live: { url: receiver.url, latencyMs: 50 },
    offload: s3.offloadConfig(),
  });
  const app = await buildService(config, { log: silentLogger(), simulate: true });
  t.teardown(() => app.stop());
  await app.start();
  const alarms: AlarmEvent[] = [];
  app.bus.on('alarm.raised', (a) => void alarms.push(a));
  const input = app.hardware.sim.incident;

  // A bump: pressed past the debounce, released long before the hold time (1.5 s).
  input.set(1);
  await new Promise((r) => setTimeout(r, 100)); // the bump's length: the input under test, not a wait for an event
  input.set(0);
  const opened = nextEvent(app, 'case.opened', () => true, 30_000);
  const queued = nextEvent(app, 'offload.queued', (e) => e.incident, 30_000);
  const live = nextEvent(app, 'live.started', () => true, 30_000);
  input.set(1);
  const c = await opened;
  input.set(0);
  t.like(c, { trigger: 'incident', source: 'gpio' });
  const record = (await app.store.cases.get(c.caseId))!;
  t.like(record.openTrigger, { type: 'incident', source: 'gpio' });
  t.deepEqual(
    alarms.filter((a) => a.subject === 'incident').map((a) => a.kind),
    ['emergency'],
    'one incident alarm: the bump raised none',
  );
  t.like(await queued, { caseId: c.caseId, category: 'incident', incident: true });

  // Live view started on the configured receiver with no person involved.
  t.like(await live, { channel: 'cam1', url: receiver.url });
  t.true((await receiver.waitFrames(10)) >= 10);

  // Its segments reach the bucket while it still records.
  const keyBase = `casecam/incident/Patrol 3/VAN-11/${c.caseId}`;
  await waitFor(async () => (await s3.keys(client, `${keyBase}/media/`)).length >= 2, 40_000, 'incident segments in the bucket');
  t.is((await app.store.cases.get(c.caseId))?.status, 'open', 'uploaded while the case is still recording');
});
