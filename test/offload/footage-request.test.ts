/**
 * `footage.upload`: bad requests get one clear error reply each and reach nothing; a
 * good one, on a real recorder keeping background footage, files the interval as a
 * `footage-request` case, says what was already gone, and the case reaches s3rver
 * under its category.
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { CommandDispatcher } from '../../src/uplink/commands/dispatcher.js';
import type { CommandContext } from '../../src/uplink/commands/context.js';
import type { DeviceState } from '../../src/recording/device-state.js';
import { OffloadService } from '../../src/offload/offload-service.js';
import { S3Server } from '../helpers/s3-server.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { nextEvent, startRecorder } from '../evidence/helpers.js';

const log = silentLogger();
const NOW = 1_800_000_000_000;
const state: DeviceState = { recording: false, caseId: null, caseIds: [], since: null, trigger: null, officerId: null, channels: [{ id: 'cam1', ok: true, fps: 25 }], preRecordSeconds: 1, live: [] };
const refuse = () => {
  throw new Error('a bad request must not reach the recorder or the uploader');
};
const ctx: CommandContext = {
  sessions: { open: refuse, marker: refuse, close: refuse },
  state: () => state,
  bus: new Bus(log),
  clock: { now: () => NOW },
  claim: async () => refuse(),
  offload: { footageMaxSeconds: 600, enqueue: async () => refuse(), confirm: async () => refuse(), reject: async () => refuse(), health: async () => refuse() },
};

const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  ['in the future', { from: NOW - 60_000, to: NOW + 60_000 }, /ends in the future/],
  ['reversed', { from: NOW - 60_000, to: NOW - 120_000 }, /"to" .* must be after "from"/],
  ['unknown channel', { from: NOW - 60_000, to: NOW - 1000, channel: 'cam9' }, /unknown channel "cam9"; this device has cam1/],
  ['too long', { from: NOW - 3_600_000, to: NOW - 1000 }, /at most 600 s per request/],
];
for (const [what, fields, message] of cases) {
  test(`footage.upload refused: ${what}`, async (t) => {
    const d = new CommandDispatcher(ctx, log);
    const r = await d.handle(Buffer.from(JSON.stringify({ requestId: `f-${what.replace(/ /g, '-')}`, action: 'footage.upload', reason: 'complaint 42', ...fields })));
    t.false(r.ok);
    t.is(r.error?.code, 'bad-request');
    t.regex(r.error!.message, message);
  });
}

test('footage.upload without a reason is an invalid field', async (t) => {
  const r = await new CommandDispatcher(ctx, log).handle(Buffer.from(JSON.stringify({ requestId: 'f-noreason', action: 'footage.upload', from: NOW - 60_000, to: NOW - 1000 })));
  t.is(r.error?.code, 'invalid-field');
});

test('footage.upload on a real recorder: the interval is filed as a footage-request case and uploaded', async (t) => {
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-footage-');
  const config = testConfig(path.join(root, 'data'), { deviceId: 'VAN-07', segmentSeconds: 1, preRecordSeconds: 1, storage: { backgroundBytes: 50_000_000, checkSeconds: 0.25 } });
  const r = await startRecorder(config);
  const offload = new OffloadService({ config: s3.offloadConfig(), deviceId: 'VAN-07', recorder: r, bus: r.bus, clock: r.clock, log });
  await offload.start();
  t.teardown(async () => {
    await offload.stop();
    await r.stop();
    client.destroy();
    await s3.stop();
    await rm(root, { recursive: true, force: true });
  });
  const from = Date.now() - 60_000; // before the recorder started: that part is gone
  // Wait for footage (worker start-up takes its time on a busy machine), not a fixed sleep.
  let closed = 0;
  r.bus.on('segment.closed', () => void closed++);
  await waitFor(() => closed >= 3, 60_000, 'three closed segments');
  const to = Date.now();
  const d = new CommandDispatcher(
    { sessions: r.sessions, state: () => r.state(), bus: r.bus, clock: r.clock, claim: (req) => r.sessions.claimInterval(req), offload },
    log,
  );
  const uploaded = nextEvent(r, 'offload.uploaded', () => true, 60_000);
  const reply = await d.handle(Buffer.from(JSON.stringify({ requestId: 'f-ok', action: 'footage.upload', channel: 'cam1', from, to, reason: 'complaint 42' })));
  t.true(reply.ok, JSON.stringify(reply.error));
  const result = reply.result as { caseId: string; segments: number; gone: Array<{ channel: string; from: string }>; upload: string };
  t.true(result.segments >= 2);
  t.is(result.gone[0]?.channel, 'cam1');
  t.is(result.gone[0]?.from, new Date(from).toISOString());
  t.is(result.upload, 'queued');
  const up = await uploaded;
  t.is(up.caseId, result.caseId);
  t.true(up.key.startsWith('casecam/footage-request/no-unit/VAN-07/footage-'));
  t.true((await s3.keys(client, `${up.key}/media/cam1/`)).length >= 2);
});
