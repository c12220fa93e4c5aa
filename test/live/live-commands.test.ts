/**
 * live.start / live.stop over a real mosquitto: hostile input gets one clear error reply
 * each; a good start shows in the retained state (and its events), a stop clears it.
 */
import test from 'ava';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';
import { LiveReceiver } from '../helpers/live-receiver.js';

interface ReplyMsg {
  requestId: string | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

test('live commands: hostile URLs and channels refused one by one; start and stop show in the retained state', async (t) => {
  const broker = await Mosquitto.start();
  t.teardown(() => broker.stop());
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'LIVE-01' });
  t.teardown(() => dev.dispose());
  const base = 'casecam/LIVE-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/cmd/reply`, `${base}/state`, `${base}/events`, `${base}/status`]);
  t.teardown(() => fleet.close());
  await fleet.untilOnline(base);
  const reply = async (requestId: string, body: Record<string, unknown>): Promise<ReplyMsg> => {
    fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId, ...body }), { qos: 1 });
    return fleet.until(() => fleet.json<ReplyMsg>(`${base}/cmd/reply`).find((r) => r.requestId === requestId), `reply ${requestId}`, 20_000);
  };

  const hostile: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['bang', { url: 'srt://127.0.0.1:9000 ! filesink location=/tmp/x' }, 'bad-request', /white space|"!"/],
    ['quote', { url: 'srt://127.0.0.1:9000"' }, 'bad-request', /quotes/],
    ['space', { url: 'rtmp://127.0.0.1/live/a b' }, 'bad-request', /white space/],
    ['file', { url: 'file:///etc/passwd' }, 'bad-request', /srt:\/\/ or rtmp:\/\//],
    ['listener', { url: 'srt://127.0.0.1:9000?mode=listener' }, 'bad-request', /without options/],
    ['long', { url: `rtmp://127.0.0.1/live/${'x'.repeat(700)}` }, 'bad-request', /at most 512/],
    ['huge', { url: `rtmp://127.0.0.1/live/${'x'.repeat(3000)}` }, 'invalid-field', /url/],
    ['channel', { url: 'srt://127.0.0.1:9000', channel: 'cam9' }, 'bad-request', /unknown channel "cam9"/],
    ['no-url', {}, 'bad-request', /no live URL/],
    ['duration', { url: 'srt://127.0.0.1:9000', durationSeconds: -5 }, 'invalid-field', /durationSeconds/],
  ];
  for (const [id, body, code, message] of hostile) {
    const r = await reply(id, { action: 'live.start', ...body });
    t.false(r.ok, id);
    t.is(r.error?.code, code, id);
    t.regex(r.error?.message ?? '', message, id);
  }
  t.is(fleet.json<ReplyMsg>(`${base}/cmd/reply`).length, hostile.length, 'exactly one reply each');
  t.deepEqual(dev.app.state().live, [], 'nothing started');

  const receiver = await LiveReceiver.start('srt');
  t.teardown(() => receiver.kill());
  const started = await reply('go', { action: 'live.start', url: receiver.url, durationSeconds: 120 });
  t.true(started.ok);
  t.like(started.result, { streams: [{ channel: 'cam1', url: receiver.url }] });
  const liveState = await fleet.until(
    () => fleet.json<{ live: Array<{ channel: string; url: string }> }>(`${base}/state`).find((s) => s.live.length === 1),
    'retained state with the stream',
  );
  t.like(liveState.live[0], { channel: 'cam1', url: receiver.url });
  await fleet.until(() => fleet.json<{ type: string }>(`${base}/events`).find((e) => e.type === 'live.started'), 'live.started event', 30_000);
  const stopped = await reply('stop', { action: 'live.stop' });
  t.true(stopped.ok);
  await fleet.until(() => fleet.json<{ type: string; reason?: string }>(`${base}/events`).find((e) => e.type === 'live.stopped' && e.reason === 'requested'), 'live.stopped event');
  const last = await fleet.until(() => {
    const states = fleet.json<{ live: unknown[] }>(`${base}/state`);
    return states.length > 0 && states[states.length - 1]!.live.length === 0 && states[states.length - 1];
  }, 'retained state without the stream');
  t.deepEqual(last.live, []);
});
