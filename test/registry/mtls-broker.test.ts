/**
 * The shipped broker set-up (provisioning/mosquitto/: mutual TLS, CN as user name,
 * static pattern ACL), written by `registry broker` into a real mosquitto, with
 * certificates from a registry made in the test: a provisioned device connects and
 * works; a device cannot write into or read another's topics; no certificate, an
 * expired one and a revoked one are refused; a watcher cannot command.
 */
import test from 'ava';
import { chmod, copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';
import { makeFleet, type Fleet, type Tls } from './fleet-pki.js';
import { issueCertificate } from '../../src/registry/openssl-ca.js';
import { revokeDevice } from '../../src/registry/device-lifecycle.js';
import { buildService } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { Connection } from '../../src/uplink/connection.js';
import { pino } from 'pino';

let fleet: Fleet;
let broker: Mosquitto;
let tlsA: Tls;
let tlsB: Tls;

test.before(async () => {
  fleet = await makeFleet();
  await fleet.provision('DEV-A');
  await fleet.provision('DEV-B');
  await fleet.provision('DEV-REV');
  await revokeDevice(fleet.store, 'DEV-REV', { reason: 'stolen', by: 'test depot', now: new Date() });
  tlsA = await fleet.deviceTls('DEV-A');
  tlsB = await fleet.deviceTls('DEV-B');
  broker = await Mosquitto.start({ extraLines: await fleet.brokerLines() });
});

test.after.always(async () => {
  await broker?.dispose();
  if (fleet) await rm(fleet.root, { recursive: true, force: true });
});

/** One connection attempt, no retries: 'connected', or why it was not. */
function attempt(opts: IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const client = mqtt.connect(broker.url, { reconnectPeriod: 0, connectTimeout: 15_000, protocolVersion: 5, ...opts });
    const done = (what: string) => {
      client.end(true);
      resolve(what);
    };
    client.once('connect', () => done('connected'));
    client.once('error', (err) => done(`refused: ${err.message}`));
    client.once('close', () => done('refused: closed'));
  });
}

const watch = (tls: Tls, topics: string[], clientId: string) => Watcher.connect(broker.url, topics, { ...tls, clientId, protocolVersion: 5, reconnectPeriod: 0 });

test.serial('a provisioned device connects with its package and works; its inventory carries its evidence key', async (t) => {
  const pkg = path.join(fleet.root, 'packages', 'DEV-A');
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'DEV-A', mqtt: { caFile: path.join(pkg, 'ca.pem'), certFile: path.join(pkg, 'device.crt'), keyFile: path.join(pkg, 'device.key') } });
  const centre = await watch(await fleet.roleTls('command'), ['casecam/DEV-A/#'], 'centre-1');
  try {
    const inv = await centre.until(() => centre.json<{ evidenceKey?: { fingerprint: string } }>('casecam/DEV-A/inventory')[0], 'retained inventory');
    t.is(inv.evidenceKey?.fingerprint, dev.app.deviceKey.fingerprint);
    centre.client.publish('casecam/DEV-A/cmd', JSON.stringify({ requestId: 'mtls-1', action: 'application.accepted', caseId: 'CASE-MTLS' }), { qos: 1 });
    const reply = await centre.until(() => centre.json<{ requestId: string; ok: boolean }>('casecam/DEV-A/cmd/reply').find((r) => r.requestId === 'mtls-1'), 'reply', 30_000);
    t.true(reply.ok);
    await centre.until(() => centre.json<{ type?: string }>('casecam/DEV-A/events').some((e) => e.type === 'case.opened'), 'case.opened', 30_000);
  } finally {
    await centre.close();
    await dev.dispose();
  }
});

test.serial('device A can neither write into B’s topics nor read B’s commands', async (t) => {
  const b = await watch(tlsB, ['casecam/DEV-B/cmd'], 'casecam-DEV-B');
  const a = await watch(tlsA, ['casecam/DEV-A/cmd'], 'casecam-DEV-A');
  const centre = await watch(await fleet.roleTls('command'), ['casecam/DEV-B/state'], 'centre-2');
  try {
    // A asks for B's commands (and everything); the broker refuses or filters them.
    await a.client.subscribeAsync(['casecam/DEV-B/cmd', 'casecam/#'], { qos: 1 }).catch(() => undefined);
    // A writes a command to B and a forged retained state; each is acknowledged or refused before the next step.
    for (const [topic, payload, retain] of [
      ['casecam/DEV-B/cmd', JSON.stringify({ requestId: 'evil', action: 'record.stop', reason: 'x' }), false],
      ['casecam/DEV-B/state', JSON.stringify({ forged: true }), true],
    ] as const) {
      await a.client.publishAsync(topic, payload, { qos: 1, retain }).catch(() => undefined);
    }
    // Barrier: the centre commands B, then A. When A's own command reaches A, anything for B sent before it has been routed.
    await centre.client.publishAsync('casecam/DEV-B/cmd', JSON.stringify({ requestId: 'good-b', action: 'state.get' }), { qos: 1 });
    await centre.client.publishAsync('casecam/DEV-A/cmd', JSON.stringify({ requestId: 'good-a', action: 'state.get' }), { qos: 1 });
    await b.until(() => b.json<{ requestId: string }>('casecam/DEV-B/cmd').some((c) => c.requestId === 'good-b'), 'the centre’s command at B');
    await a.until(() => a.json<{ requestId: string }>('casecam/DEV-A/cmd').some((c) => c.requestId === 'good-a'), 'the centre’s command at A');
    t.deepEqual(b.json<{ requestId: string }>('casecam/DEV-B/cmd').map((c) => c.requestId), ['good-b'], 'B received only the centre’s command');
    t.deepEqual(a.messages.filter((m) => m.topic.startsWith('casecam/DEV-B/')).map((m) => m.topic), [], 'A read nothing of B');
    t.false(centre.messages.some((m) => m.topic === 'casecam/DEV-B/state'), 'no forged state for B');
  } finally {
    await Promise.all([a.close(), b.close(), centre.close()]);
  }
});

test.serial('no certificate, an expired one and a revoked one are refused; a current one is accepted', async (t) => {
  const ca = tlsA.ca;
  t.is(await attempt({ ...tlsA, clientId: 'ok-A' }), 'connected', 'control: a provisioned device');
  t.regex(await attempt({ ca, clientId: 'no-cert' }), /^refused/);
  const past = new Date(Date.now() - 10 * 86_400_000);
  const expired = await issueCertificate({ cert: fleet.store.caCert, key: fleet.store.caKey }, { commonName: 'DEV-A', kind: 'client', notBefore: past, days: 1 });
  t.regex(await attempt({ ca, cert: Buffer.from(expired.certPem), key: Buffer.from(expired.keyPem), clientId: 'expired' }), /^refused/);
  const rev = await fleet.deviceTls('DEV-REV');
  t.regex(await attempt({ ...rev, clientId: 'revoked' }), /^refused/);
});

test.serial('a fleet watcher reads but cannot command a device', async (t) => {
  const b = await watch(tlsB, ['casecam/DEV-B/cmd'], 'casecam-DEV-B-2');
  const watcher = await watch(await fleet.roleTls('watcher'), ['casecam/DEV-B/#'], 'watcher-1');
  const centre = await watch(await fleet.roleTls('command'), [], 'centre-3');
  try {
    await watcher.client.publishAsync('casecam/DEV-B/cmd', JSON.stringify({ requestId: 'watcher-cmd', action: 'record.stop', reason: 'x' }), { qos: 1 }).catch(() => undefined);
    await b.client.publishAsync('casecam/DEV-B/status', 'online', { qos: 1, retain: true });
    await centre.client.publishAsync('casecam/DEV-B/cmd', JSON.stringify({ requestId: 'centre-cmd', action: 'state.get' }), { qos: 1 });
    await b.until(() => b.json<{ requestId: string }>('casecam/DEV-B/cmd').some((c) => c.requestId === 'centre-cmd'), 'the centre’s command');
    t.deepEqual(b.json<{ requestId: string }>('casecam/DEV-B/cmd').map((c) => c.requestId), ['centre-cmd'], 'the watcher’s command never arrived');
    await watcher.until(() => watcher.messages.some((m) => m.topic === 'casecam/DEV-B/status'), 'the watcher reads B’s status');
    t.pass();
  } finally {
    await Promise.all([b.close(), watcher.close(), centre.close()]);
  }
});

test.serial('the device’s connection trusts only a broker its CA signed', async (t) => {
  const other = await makeFleet();
  const pkg = path.join(fleet.root, 'packages', 'DEV-A');
  const lines: Array<{ msg?: string; error?: string }> = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg?: string; error?: string }) });
  let connected = false;
  // The device's own certificate, but the CA of another fleet: the broker's certificate does not verify.
  const conn = new Connection({
    url: broker.url,
    clientId: 'casecam-DEV-A',
    protocolVersion: 5,
    keepaliveSeconds: 5,
    caFile: other.store.caCert,
    certFile: path.join(pkg, 'device.crt'),
    keyFile: path.join(pkg, 'device.key'),
    reconnectInitialMs: 100,
    reconnectMaxMs: 500,
    will: { topic: 'casecam/DEV-A/status', payload: 'offline' },
    log,
    onConnect: () => void (connected = true),
    onDisconnect: () => undefined,
    onMessage: () => undefined,
  });
  try {
    conn.start();
    const refusal = await waitFor(() => lines.find((l) => l.msg === 'broker connection error'), 30_000, 'a connection error');
    t.regex(refusal.error ?? '', /certificate|self.signed|verify/i);
    t.false(connected);
  } finally {
    await conn.stop();
    await rm(other.root, { recursive: true, force: true });
  }
});

test.serial('the service refuses to start when its TLS private key is readable by others', async (t) => {
  const pkg = path.join(fleet.root, 'packages', 'DEV-A');
  const exposed = path.join(fleet.root, 'exposed.key');
  await copyFile(path.join(pkg, 'device.key'), exposed);
  await chmod(exposed, 0o644);
  const dataDir = await tempDir('casecam-exposed-');
  const small = testConfig(dataDir, { deviceId: 'DEV-A' });
  const config = parseConfig({ ...small, mqtt: { caFile: path.join(pkg, 'ca.pem'), certFile: path.join(pkg, 'device.crt'), keyFile: exposed } });
  const service = await buildService(config, { log: silentLogger(), uplink: { brokerUrl: broker.url } });
  let started = false;
  try {
    // A failed start stops what had started (core/lifecycle.ts).
    await t.throwsAsync(service.start().then(() => void (started = true)), { message: /mqtt\.keyFile .*exposed\.key is readable by others \(mode 0644\)/ });
  } finally {
    if (started) await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
