/** The fleet simulator's devices: the same seed gives the same fleet, and every payload speaks the contract. */
import test from 'ava';
import { simProfiles } from '../../src/fleet/sim/fleet-simulator.js';
import { healthPayload, inventoryPayload, statePayload } from '../../src/fleet/sim/sim-payloads.js';
import { parseFleetMessage } from '../../src/fleet/fleet-message.js';

test('same seed, same fleet; another seed, another fleet', (t) => {
  t.deepEqual(simProfiles(200, 5), simProfiles(200, 5));
  t.notDeepEqual(simProfiles(200, 5), simProfiles(200, 6));
  const fleet = simProfiles(1000, 1);
  t.is(new Set(fleet.map((p) => p.deviceId)).size, 1000, 'device IDs are unique');
  const kinds = new Set(fleet.map((p) => p.kind));
  t.deepEqual([...kinds].sort(), ['body-worn', 'collector', 'counter', 'server', 'vehicle']);
  t.true(fleet.filter((p) => p.kind === 'vehicle').every((p) => p.plate?.startsWith('苏A·')));
});

test('every kind of simulated device publishes payloads the fleet side accepts', (t) => {
  const now = Date.now();
  for (const p of simProfiles(60, 3)) {
    const s = { caseId: null, caseSince: null, officerId: null, trigger: null, channelsDown: new Set<string>(), alarms: [], freeBytes: 1e9, outboxDepth: 0, bytesPerSecond: 250_000 * p.channels.length, gps: { ...p.home, fix: true }, startedAt: now };
    for (const [topic, payload] of [
      ['inventory', inventoryPayload(p, now)],
      ['state', statePayload(p, s, now)],
      ['health', healthPayload(p, s, now)],
    ] as const) {
      const r = parseFleetMessage(`casecam/${p.deviceId}/${topic}`, JSON.stringify(payload));
      t.true(r.ok === true, `${p.deviceId} ${topic}: ${r.ok === false ? r.reason : ''}`);
    }
  }
});
