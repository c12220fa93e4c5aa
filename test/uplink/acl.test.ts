/**
 * The shipped mosquitto ACL (docs/mosquitto/acl.conf), loaded into a real mosquitto
 * with password authentication: one device can neither read another device's topics
 * nor write to them (commands, retained state), while the fleet can do both.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';

const aclFile = fileURLToPath(new URL('../../../docs/mosquitto/acl.conf', import.meta.url));

test('a device cannot read or write another device’s topics', async (t) => {
  const users = { 'DEV-A': 'pw-a', 'DEV-B': 'pw-b', fleet: 'pw-fleet' };
  const broker = await Mosquitto.start({ users, acl: await readFile(aclFile, 'utf8') });
  const devB = await startDevice({ brokerUrl: broker.url, deviceId: 'DEV-B', mqtt: { username: 'DEV-B', password: 'pw-b' } });
  const b = 'casecam/DEV-B';
  const fleet = await Watcher.connect(broker.url, [`${b}/#`, 'casecam/DEV-A/#'], { username: 'fleet', password: 'pw-fleet' });
  const intruder = await Watcher.connect(broker.url, [], { username: 'DEV-A', password: 'pw-a' });
  try {
    // The intruder asks for everything of DEV-B (and everything at all).
    await intruder.client.subscribeAsync([`${b}/#`, 'casecam/#'], { qos: 1 });
    await fleet.untilOnline(b);

    // It tries to command DEV-B and to overwrite its retained state.
    await intruder.client.publishAsync(`${b}/cmd`, JSON.stringify({ requestId: 'evil-1', action: 'record.stop', reason: 'x' }), { qos: 1 });
    await intruder.client.publishAsync(`${b}/state`, JSON.stringify({ recording: false, forged: true }), { qos: 1, retain: true });
    // It may still report on its own topics: proof that it is connected and authorised at all.
    await intruder.client.publishAsync('casecam/DEV-A/status', 'online', { qos: 1, retain: true });
    await fleet.until(() => fleet.messages.some((m) => m.topic === 'casecam/DEV-A/status'), 'DEV-A own status reaches the fleet');

    // The fleet commands DEV-B: that works, and produces traffic the intruder must not see.
    fleet.client.publish(`${b}/cmd`, JSON.stringify({ requestId: 'good-1', action: 'application.accepted', caseId: 'CASE-ACL' }), { qos: 1 });
    await fleet.until(() => fleet.json<{ requestId: string }>(`${b}/cmd/reply`).some((r) => r.requestId === 'good-1'), 'reply to the fleet');
    await fleet.until(() => fleet.json<{ type?: string }>(`${b}/events`).some((e) => e.type === 'case.opened'), 'case.opened');
    await new Promise((r) => setTimeout(r, 500));

    t.false(fleet.json<{ requestId: string }>(`${b}/cmd/reply`).some((r) => r.requestId === 'evil-1'), 'DEV-B never ran the intruder’s command');
    t.true(devB.app.state().recording, 'DEV-B still recording');
    t.deepEqual(intruder.messages.filter((m) => m.topic.startsWith(b)).map((m) => m.topic), [], 'the intruder read nothing of DEV-B');

    const late = await Watcher.connect(broker.url, [`${b}/state`], { username: 'fleet', password: 'pw-fleet' });
    const state = await late.until(() => late.messages.find((m) => m.retain), 'retained state');
    t.false('forged' in JSON.parse(state.text), 'the retained state is DEV-B’s own');
    await late.close();
  } finally {
    await intruder.close();
    await fleet.close();
    await devB.dispose();
    await broker.dispose();
  }
});
