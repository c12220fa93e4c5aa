/**
 * The embedded broker (aedes) as another local user would try it: no login, a wrong
 * password, a retained command, a packet of megabytes, and many large retained
 * publishes. Then the service itself on its embedded broker, and the credentials command.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, stat, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { credentialsPath } from '../../src/broker/broker-credentials.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildService } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { testConfig } from '../helpers/test-config.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const log = silentLogger();

/** Connect once, no retries: resolves with the CONNACK's return code (0 = accepted). */
function tryConnect(url: string, opts: mqtt.IClientOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000, ...opts });
    c.once('connect', (p) => {
      c.end(true);
      resolve(p.returnCode ?? 0);
    });
    c.once('error', (err) => {
      c.end(true);
      resolve((err as { code?: number }).code ?? -1);
    });
  });
}

/** Resolves when the client's connection closes (the broker dropped it). */
const closed = (c: mqtt.MqttClient) => new Promise<void>((resolve) => (c.connected ? c.once('close', () => resolve()) : resolve()));

test('the embedded broker needs the login from a 0600 file, refuses retained commands, over-long packets and unbounded retained data', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'casecam-eb-'));
  const broker = new EmbeddedBroker({ port: 0, log, dataDir, maxRetainedTopics: 20 });
  await broker.start();
  try {
    const file = credentialsPath(dataDir);
    t.is((await stat(file)).mode & 0o777, 0o600, 'credentials are private to the service user');
    const { username, password } = broker.credentials;
    t.true(password.length >= 24);

    t.not(await tryConnect(broker.url), 0, 'anonymous login refused');
    t.not(await tryConnect(broker.url, { username, password: 'guess' }), 0, 'wrong password refused');
    t.is(await tryConnect(broker.url, { username, password }), 0, 'the right login is accepted');

    const fleet = await Watcher.connect(broker.url, [], { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    // A retained command is refused (the publisher is disconnected): a new subscriber gets nothing retained.
    const attacker = await mqtt.connectAsync(broker.url, { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    attacker.publish('casecam/DEV-1/cmd', JSON.stringify({ requestId: 'r', action: 'alarm', kind: 'emergency' }), { qos: 1, retain: true });
    await closed(attacker);
    attacker.end(true);
    const late = await Watcher.connect(broker.url, ['casecam/DEV-1/cmd', 'probe/done'], { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    await fleet.client.publishAsync('probe/done', 'x', { qos: 1 });
    await late.until(() => late.messages.some((m) => m.topic === 'probe/done'), 'the probe after the subscription', 20_000);
    t.deepEqual(late.messages.filter((m) => m.topic === 'casecam/DEV-1/cmd').map((m) => m.text), [], 'no retained command');

    // A 5 MB packet ends its connection before the broker buffers it.
    const big = await mqtt.connectAsync(broker.url, { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    big.publish('x/big', Buffer.alloc(5 * 1024 * 1024, 1), { qos: 0, retain: true });
    await closed(big);
    big.end(true);

    // Many retained topics: the broker keeps at most 20; the publisher beyond that is dropped.
    const filler = await mqtt.connectAsync(broker.url, { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    const fillerGone = closed(filler);
    for (let i = 0; i < 40 && filler.connected; i++) {
      await Promise.race([filler.publishAsync(`fill/${i}`, Buffer.alloc(1024, 2), { qos: 1, retain: true }).catch(() => undefined), fillerGone]);
    }
    t.false(filler.connected, 'the publisher beyond the bound was dropped');
    filler.end(true);
    const all = await Watcher.connect(broker.url, ['#'], { protocolVersion: 4, username, password, reconnectPeriod: 0 });
    await fleet.client.publishAsync('probe/end', 'x', { qos: 1 });
    await all.until(() => all.messages.some((m) => m.topic === 'probe/end'), 'the probe', 20_000);
    const kept = all.messages.filter((m) => m.retain);
    t.true(kept.length <= 20, `${kept.length} retained messages kept`);
    t.false(kept.some((m) => m.topic === 'x/big'));
    t.true(kept.length > 0, 'small retained messages still work');
    await Promise.all([fleet.close(), late.close(), all.close()]);
  } finally {
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the service logs in to its embedded broker; casecam broker credentials shows the login; a widened file is narrowed', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'casecam-eb-app-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, 'broker', ...args], { encoding: 'utf8', timeout: 60_000 });
  const before = cli('credentials', '--data', dataDir);
  t.not(before.status, 0);
  t.regex(before.stderr, /no embedded broker credentials in .* yet/);

  const config = parseConfig({ ...testConfig(dataDir, { deviceId: 'EMB-01' }), mqtt: { embeddedPort: 0, reconnectInitialMs: 100, reconnectMaxMs: 1000 } });
  const app = await buildService(config, { log, uplink: {} });
  const uplink = app.uplink!;
  const broker = app.broker;
  await app.start();
  try {
    const deadline = Date.now() + 30_000;
    while (!uplink.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    t.true(uplink.connected, 'the uplink logged in to the embedded broker');

    const shown = cli('credentials', '--data', dataDir, '--json');
    t.is(shown.status, 0, shown.stderr);
    const creds = JSON.parse(shown.stdout) as { username: string; password: string; file: string };
    t.deepEqual({ username: creds.username, password: creds.password }, broker!.credentials);
    const human = cli('credentials', '--data', dataDir);
    t.regex(human.stdout, new RegExp(`password +${creds.password}`));
    const w = await Watcher.connect(broker!.url, ['casecam/EMB-01/status'], { protocolVersion: 4, username: creds.username, password: creds.password });
    await w.until(() => w.messages.some((m) => m.text === 'online'), 'retained online');
    await w.close();
  } finally {
    await app.stop();
  }
  // A file someone made readable for all is narrowed again at the next start, same password.
  const file = credentialsPath(dataDir);
  await chmod(file, 0o644);
  const again = new EmbeddedBroker({ port: 0, log, dataDir });
  await again.start();
  t.is((await stat(file)).mode & 0o777, 0o600);
  await again.stop();
  await rm(dataDir, { recursive: true, force: true });
});
