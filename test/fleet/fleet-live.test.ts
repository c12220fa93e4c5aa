/**
 * The fleet side against a real mosquitto with simulated devices (`casecam simulate fleet`'s
 * FleetSimulator): every device appears, one whose connection dies is shown offline by its
 * last will (published by the broker, not the simulator) and online again after it
 * reconnects; `casecam fleet watch --once --json` as a child process sees the same fleet.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Mosquitto } from '../helpers/mosquitto.js';
import { silentLogger } from '../../src/core/logger.js';
import { systemClock } from '../../src/core/clock.js';
import { FleetFeed } from '../../src/fleet/fleet-feed.js';
import { FleetSimulator } from '../../src/fleet/sim/fleet-simulator.js';
import { boardRows } from '../../src/fleet/board-rows.js';

const run = promisify(execFile);
const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const N = 12;

async function until<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('simulated fleet on the board; a dropped device goes offline by its last will and comes back', async (t) => {
  const broker = await Mosquitto.start();
  t.teardown(() => broker.dispose());
  const sim = new FleetSimulator({ broker: broker.url, devices: N, seed: 7, activity: 'idle', healthSeconds: 2 });
  t.teardown(() => sim.stop());
  await sim.start();
  const feed = new FleetFeed({ broker: broker.url, clock: systemClock, log: silentLogger() });
  t.teardown(() => feed.stop());
  await feed.start();
  await until('every device online with its inventory', () => {
    const rows = boardRows(feed.model, Date.now());
    return rows.length === N && rows.every((r) => r.status === 'online' && r.kind !== null);
  });
  await until('health from every device', () => [...feed.model.devices.values()].every((d) => d.health !== null));

  const victim = sim.devices[3]!;
  const id = victim.profile.deviceId;
  const connectsBefore = victim.connects;
  victim.dropConnection();
  const offline = await until('the last will', () => {
    const r = boardRows(feed.model, Date.now())[0];
    return r?.deviceId === id && r.status === 'offline' ? r : undefined;
  });
  t.deepEqual(offline.problems, ['offline'], 'the offline device is first on the board');
  await until('the device back online', () => feed.model.devices.get(id)?.status === 'online' && victim.connects > connectsBefore);
  t.is(boardRows(feed.model, Date.now(), { problems: true }).length, 0);

  const { stdout } = await run('node', [CLI, 'fleet', 'watch', '--broker', broker.url, '--once', '--json']);
  const snap = JSON.parse(stdout) as { summary: { devices: number; online: number }; devices: Array<{ deviceId: string; unit: string }> };
  t.is(snap.summary.devices, N);
  t.is(snap.summary.online, N);
  t.deepEqual(snap.devices.map((d) => d.deviceId).sort(), sim.devices.map((d) => d.profile.deviceId).sort());
  t.true(snap.devices.every((d) => /[\u4e00-\u9fff]/.test(d.unit)), 'Chinese unit names arrive intact');

  const oneUnit = snap.devices[0]!.unit;
  const filtered = JSON.parse((await run('node', [CLI, 'fleet', 'watch', '--broker', broker.url, '--once', '--json', '--unit', oneUnit])).stdout) as typeof snap;
  t.true(filtered.devices.length >= 1 && filtered.devices.every((d) => d.unit === oneUnit));

  await sim.stop();
  await until('a clean stop leaves every device offline (retained)', () => [...feed.model.devices.values()].every((d) => d.status === 'offline'));
});

test('fleet watch: a broker that is not there is one line on stderr and exit 1', async (t) => {
  const err = await run('node', [CLI, 'fleet', 'watch', '--broker', 'mqtt://127.0.0.1:1', '--once']).catch((e: { code: number; stderr: string }) => e);
  t.is((err as { code: number }).code, 1);
  t.regex((err as { stderr: string }).stderr, /^casecam fleet: cannot reach the broker mqtt:\/\/127\.0\.0\.1:1: .+\n$/);
});
