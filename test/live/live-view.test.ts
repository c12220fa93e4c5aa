/**
 * Live view with real parts: the recording pipeline's live branch (video and audio), the
 * live sender pipeline in the media worker, and ffmpeg as the receiver (SRT listener, RTMP
 * server) on loopback. ffprobe decodes what arrived. Recording goes on whatever the receiver does.
 */
import test from 'ava';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveStreamEvent } from '../../src/core/events.js';
import { buildService, type Service } from '../../src/service/build-service.js';
import { LiveReceiver } from '../helpers/live-receiver.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir, testConfig } from '../helpers/test-config.js';

async function liveService(t: { teardown(fn: () => Promise<void>): void }, live: Record<string, unknown> = {}): Promise<Service> {
  const base = testConfig(path.join(await tempDir('casecam-live-svc-'), 'data'));
  const config = parseConfig({ ...base, live: { latencyMs: 50, ...live } });
  const service = await buildService(config, { log: silentLogger() });
  t.teardown(() => service.stop());
  await service.start();
  return service;
}

function next(service: Service, type: 'live.started' | 'live.stopped' | 'live.failed', ms: number): Promise<LiveStreamEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    const off = service.bus.on(type, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

for (const protocol of ['srt', 'rtmp'] as const) {
  test(`${protocol}: the receiver gets decodable video and AAC audio; the stream stops when asked`, async (t) => {
    const receiver = await LiveReceiver.start(protocol);
    t.teardown(() => receiver.kill());
    const service = await liveService(t);
    const started = next(service, 'live.started', 30_000);
    const streams = service.live.startLive({ url: receiver.url, durationSeconds: 60, reason: 'test' });
    t.like(streams, [{ channel: 'cam1', url: receiver.url }]);
    t.like(await started, { channel: 'cam1', url: receiver.url });
    t.like(service.state().live, [{ channel: 'cam1', url: receiver.url }]);
    t.true((await receiver.waitFrames(25)) >= 25);
    // The recording's PCM, encoded for the live stream only (pipelines/test-av: ${liveAudio}).
    const audio = await receiver.waitAudioFrames(25);
    t.is(audio.codec, 'aac');
    t.true(audio.frames >= 25);
    const again = service.live.startLive({ url: receiver.url, reason: 'test' });
    t.deepEqual(again, streams, 'a second start answers with the running stream');
    const stopped = next(service, 'live.stopped', 10_000);
    service.live.stopLive({});
    t.like(await stopped, { channel: 'cam1', reason: 'requested' });
    t.true(((await stopped).bytes ?? 0) > 0);
    t.deepEqual(service.state().live, []);
  });
}

test('no receiver: live.failed within a bounded time, and recording goes on', async (t) => {
  const service = await liveService(t, { retrySeconds: 2 });
  const port = await freePort();
  const failed = next(service, 'live.failed', 60_000);
  service.live.startLive({ url: `srt://127.0.0.1:${port}`, reason: 'test' });
  t.like(await failed, { channel: 'cam1', url: `srt://127.0.0.1:${port}` });
  t.deepEqual(service.state().live, []);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    const off = service.bus.on('segment.closed', () => {
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
  t.true(closed, 'segments still close after live failed');
  t.true(service.supervisors[0]!.ok);
});

test('a stream ends by itself when its duration is reached', async (t) => {
  const receiver = await LiveReceiver.start('srt');
  t.teardown(() => receiver.kill());
  const service = await liveService(t);
  const stopped = next(service, 'live.stopped', 30_000);
  service.live.startLive({ url: receiver.url, durationSeconds: 3, reason: 'test' });
  t.like(await stopped, { channel: 'cam1', reason: 'duration reached' });
});

test('an incident alarm starts live on the configured receiver without a person', async (t) => {
  const receiver = await LiveReceiver.start('srt');
  t.teardown(() => receiver.kill());
  const service = await liveService(t, { url: receiver.url });
  const started = next(service, 'live.started', 30_000);
  service.bus.emit('alarm.raised', { kind: 'violent-resistance', subject: 'operator', message: 'test', at: Date.now() });
  t.like(await started, { channel: 'cam1', url: receiver.url });
  t.true((await receiver.waitFrames(10)) >= 10);
});

test('many live starts and stops in a row: the next stream still reaches the receiver whole', async (t) => {
  // Each sender pipeline waits for its bus messages on a worker thread-pool thread; one
  // not given back at teardown starved the live appsink after a few streams.
  const service = await liveService(t);
  for (let i = 0; i < 8; i++) {
    const receiver = await LiveReceiver.start('srt');
    const started = next(service, 'live.started', 30_000);
    service.live.startLive({ url: receiver.url, reason: 'test' });
    await started;
    await receiver.waitFrames(25);
    const stopped = next(service, 'live.stopped', 10_000);
    service.live.stopLive({});
    await stopped;
    await receiver.kill();
  }
  const receiver = await LiveReceiver.start('srt');
  t.teardown(() => receiver.kill());
  service.live.startLive({ url: receiver.url, reason: 'test' });
  t.true((await receiver.waitFrames(100, 30_000)) >= 100);
});
