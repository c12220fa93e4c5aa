/**
 * Outages against a real mosquitto: a broker restart in the middle of a recording
 * loses no event (the outbox holds them and drains in order), and a device killed
 * with SIGKILL is announced `offline` by its last will.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';

interface Ev {
  seq: number;
  type: string;
  caseId?: string;
  note?: string;
}

test('a broker restart in the middle of a recording loses no event, and order is kept', async (t) => {
  const broker = await Mosquitto.start({ persistence: true });
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'OUT-01' });
  const base = 'casecam/OUT-01';
  // A persistent session: the broker keeps queuing for the fleet while it is away.
  const fleetOpts = { clientId: 'fleet-out', clean: false };
  let fleet = await Watcher.connect(broker.url, [`${base}/events`], fleetOpts);
  let before: Ev[] = [];
  // Everything the fleet received, across both of its connections.
  const received = (): Ev[] => [...before, ...fleet.json<Ev>(`${base}/events`)];
  try {
    await fleet.until(() => dev.uplink.connected, 'device connected');
    const { sessions } = dev.app;
    await sessions.open({ caseId: 'CASE-OUT', trigger: 'application.accepted', source: 'test' });
    await sessions.marker({ type: 'inquiry', note: 'before', source: 'test' });
    await fleet.until(() => received().some((e) => e.note === 'before'), 'marker before the outage');

    before = received();
    await fleet.close();
    await broker.stop();
    await fleet.until(() => !dev.uplink.connected, 'device sees the outage');
    for (let i = 0; i < 20; i++) await sessions.marker({ type: 'inquiry', note: `during-${i}`, source: 'test' });
    dev.app.bus.emit('alarm.raised', { kind: 'emergency', subject: 'operator', message: 'during the outage', at: Date.now() });
    await fleet.until(() => dev.uplink.outbox.depth() >= 21, 'the backlog held in the outbox', 5000);
    t.pass();

    await broker.launch();
    // The device drains its backlog on its own; the fleet comes back only afterwards and
    // gets it from its persistent session.
    await fleet.until(() => dev.uplink.connected && dev.uplink.outbox.depth() === 0, 'the device drained its outbox', 15_000);
    fleet = await Watcher.connect(broker.url, [`${base}/events`], fleetOpts);
    const diag = () => `connected=${dev.uplink.connected} depth=${dev.uplink.outbox.depth()} received=${received().map((e) => e.note ?? e.type).join(',')}`;
    await fleet.until(() => received().some((e) => e.note === 'during-19'), 'backlog drained', 15_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${diag()}`);
    });
    await sessions.marker({ type: 'inquiry', note: 'after', source: 'test' });
    await sessions.close({ trigger: 'documents.served', source: 'test' });
    await fleet.until(() => received().some((e) => e.type === 'case.closed'), 'case.closed', 15_000);

    const all = received();
    const firstSeen = all.filter((e, i) => all.findIndex((x) => x.seq === e.seq) === i);
    const notes = firstSeen.filter((e) => e.type === 'case.marker').map((e) => e.note);
    t.deepEqual(notes, ['before', ...Array.from({ length: 20 }, (_, i) => `during-${i}`), 'after']);
    t.true(firstSeen.some((e) => e.type === 'alarm.raised'));
    const seqs = firstSeen.map((e) => e.seq);
    t.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'events in seq order');
    t.is(firstSeen[0]!.type, 'case.opened');
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});

test('kill -9 of the service: the broker publishes the retained last will `offline`', async (t) => {
  const broker = await Mosquitto.start();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'will-'));
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'run', '--simulate', '--data', dataDir, '--device-id', 'WILL-01', '--broker', broker.url], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, CASECAM_LOG_LEVEL: 'warn' },
  });
  const base = 'casecam/WILL-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/status`]);
  try {
    await fleet.until(() => fleet.messages.some((m) => m.text === 'online'), 'online', 20_000);
    child.kill('SIGKILL');
    await fleet.until(() => fleet.messages.some((m) => m.text === 'offline'), 'the last will', 15_000);
    // A fleet manager arriving later sees it retained.
    const late = await Watcher.connect(broker.url, [`${base}/status`]);
    const retained = await late.until(() => late.messages.find((m) => m.retain), 'retained status');
    t.is(retained.text, 'offline');
    await late.close();
  } finally {
    child.kill('SIGKILL');
    await fleet.close();
    await broker.dispose();
    // The killed service's media workers finish their segment and leave within seconds
    // (parent-watch.ts): retry while they may still write into the ring.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});
