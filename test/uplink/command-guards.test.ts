/**
 * Commands that must not run however they arrive, over a real mosquitto (MQTT 5):
 * a command published with the retain flag (delivered live, not replayed), and a
 * command whose response topic points outside the device's reply prefix (another
 * device's `cmd`, the device's own retained `state`). Each gets one refusal on the
 * ordinary `cmd/reply`, and nothing is executed or published elsewhere.
 */
import test from 'ava';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';

interface ReplyMsg {
  requestId: string | null;
  ok: boolean;
  error?: { code: string; message: string };
}

test('a retained command delivered live, and response topics outside the reply prefix, are refused with a reply', async (t) => {
  const broker = await Mosquitto.start();
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'GRD-01' });
  const base = 'casecam/GRD-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/cmd/reply`, `${base}/state`, 'casecam/OTHER-02/cmd', `${base}/events`], { protocolVersion: 5 });
  const reply = (id: string) => fleet.until(() => fleet.json<ReplyMsg>(`${base}/cmd/reply`).find((r) => r.requestId === id), `reply to ${id}`, 20_000);
  try {
    await fleet.until(() => dev.uplink.connected && fleet.messages.some((m) => m.topic === `${base}/state`), 'device connected', 20_000);

    // Retained, published while the device is subscribed: the broker delivers it live.
    await fleet.client.publishAsync(`${base}/cmd`, JSON.stringify({ requestId: 'ret-1', action: 'application.accepted', caseId: 'CASE-RET' }), { qos: 1, retain: true });
    const ret = await reply('ret-1');
    t.false(ret.ok);
    t.is(ret.error?.code, 'bad-request');
    t.regex(ret.error!.message, /retained command is not executed/);
    // Clear the retained command at the broker so nothing replays it.
    await fleet.client.publishAsync(`${base}/cmd`, '', { qos: 1, retain: true });

    for (const [id, responseTopic] of [
      ['rt-other', 'casecam/OTHER-02/cmd'],
      ['rt-state', `${base}/state`],
      ['rt-sibling', `${base}/cmd/replyx`],
    ] as const) {
      await fleet.client.publishAsync(`${base}/cmd`, JSON.stringify({ requestId: id, action: 'application.accepted', caseId: `CASE-${id}` }), {
        qos: 1,
        properties: { responseTopic, correlationData: Buffer.from(id) },
      });
      const r = await reply(id);
      t.false(r.ok, id);
      t.is(r.error?.code, 'bad-request');
      t.regex(r.error!.message, /response topic .* is not allowed: it must be casecam\/GRD-01\/cmd\/reply or below it/);
    }
    // A command that passes is answered after the refusals (replies keep their order), so
    // a stray publish on the other topics would have arrived by now.
    await fleet.client.publishAsync(`${base}/cmd`, JSON.stringify({ requestId: 'ok-1', action: 'state.get' }), { qos: 1 });
    t.true((await reply('ok-1')).ok);
    t.deepEqual(fleet.messages.filter((m) => m.topic === 'casecam/OTHER-02/cmd').map((m) => m.text), []);
    t.false(fleet.messages.some((m) => m.topic === `${base}/state` && m.text.includes('requestId')), 'no reply was published on state');
    t.false(dev.app.state().recording, 'no case was opened');
    t.deepEqual(fleet.json<{ type: string }>(`${base}/events`).filter((e) => e.type === 'case.opened'), []);
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});
