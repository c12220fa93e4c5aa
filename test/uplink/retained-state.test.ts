/**
 * Against a real mosquitto, over MQTT 3.1.1 (the other tests use 5): online, inventory
 * and state are retained and republished on every reconnect, so a fleet manager
 * subscribing after a broker restart (which lost every retained message) still sees
 * the device recording.
 */
import test from 'ava';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';

test('state, status and inventory are retained again after the broker restarts', async (t) => {
  const broker = await Mosquitto.start();
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'RET-01', mqtt: { protocolVersion: 4 } });
  const base = 'casecam/RET-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/#`]);
  try {
    await fleet.until(() => fleet.messages.find((m) => m.topic === `${base}/status` && m.text === 'online'), 'online');
    fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: 'r1', action: 'application.accepted', caseId: '淮交罚〔2018〕86号' }), { qos: 1 });
    const reply = await fleet.until(() => fleet.json<{ requestId: string; ok: boolean }>(`${base}/cmd/reply`).find((r) => r.requestId === 'r1'), 'reply');
    t.true(reply.ok, JSON.stringify(reply));

    // Restart without persistence: the broker forgets every retained message.
    await broker.restart();
    // A newcomer sees only what is retained; poll with fresh subscriptions (bounded) until the device is back.
    const deadline = Date.now() + 15_000;
    let seen: Map<string, string> = new Map();
    while (Date.now() < deadline) {
      const late = await Watcher.connect(broker.url, [`${base}/status`, `${base}/state`, `${base}/inventory`]);
      await new Promise((r) => setTimeout(r, 300));
      seen = new Map(late.messages.filter((m) => m.retain).map((m) => [m.topic.slice(base.length + 1), m.text]));
      await late.close();
      if (seen.size === 3) break;
    }
    t.is(seen.get('status'), 'online');
    const state = JSON.parse(seen.get('state') ?? '{}') as { recording: boolean; caseId: string };
    t.true(state.recording);
    t.is(state.caseId, '淮交罚〔2018〕86号');
    t.is((JSON.parse(seen.get('inventory') ?? '{}') as { deviceId: string }).deviceId, 'RET-01');
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});
