/**
 * Renewal and retirement as the broker sees them: after a renewal the old certificate is
 * in the CRL and refused, the new one connects; after retirement the device cannot
 * connect at all. The device's history keeps every step.
 */
import test from 'ava';
import { copyFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import { Mosquitto } from '../helpers/mosquitto.js';
import { makeFleet } from './fleet-pki.js';
import { renewCertificate } from '../../src/registry/provision.js';
import { retireDevice } from '../../src/registry/device-lifecycle.js';
import { revokeRole } from '../../src/registry/roles.js';
import { refreshCrl } from '../../src/registry/crl.js';
import { X509Certificate } from 'node:crypto';

function attempt(url: string, opts: IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 15_000, ...opts });
    const done = (what: string) => {
      client.end(true);
      resolve(what);
    };
    client.once('connect', () => done('connected'));
    client.once('error', (err) => done(`refused: ${err.message}`));
    client.once('close', () => done('refused: closed'));
  });
}

test('renew supersedes the old certificate; retire shuts the device out; a revoked role certificate is refused', async (t) => {
  const fleet = await makeFleet();
  const broker = await Mosquitto.start({ extraLines: await fleet.brokerLines() });
  const crlToBroker = async () => {
    await copyFile(fleet.store.crl, path.join(fleet.root, 'broker', 'crl.pem'));
    await broker.restart(); // mosquitto reads the CRL when it starts
  };
  try {
    await fleet.provision('REN-01');
    const old = await fleet.deviceTls('REN-01');
    t.is(await attempt(broker.url, { ...old, clientId: 'old-1' }), 'connected');

    const renewed = path.join(fleet.root, 'renewed');
    await renewCertificate(fleet.store, { deviceId: 'REN-01', outDir: renewed, installDir: renewed, brokerUrl: 'mqtts://127.0.0.1:8883', days: 2, by: 'depot', now: new Date() });
    await crlToBroker();
    const fresh = { ca: old.ca, cert: await readFile(path.join(renewed, 'device.crt')), key: await readFile(path.join(renewed, 'device.key')) };
    t.regex(await attempt(broker.url, { ...old, clientId: 'old-2' }), /^refused/, 'the superseded certificate');
    t.is(await attempt(broker.url, { ...fresh, clientId: 'new-1' }), 'connected', 'the renewed certificate');

    await retireDevice(fleet.store, 'REN-01', { reason: 'end of service life', by: 'depot', now: new Date() });
    await crlToBroker();
    t.regex(await attempt(broker.url, { ...fresh, clientId: 'new-2' }), /^refused/, 'a retired device');

    // A watcher who left: its certificate goes into the CRL.
    const watcher = await fleet.roleTls('watcher');
    t.is(await attempt(broker.url, { ...watcher, clientId: 'watcher-1' }), 'connected');
    const serial = new X509Certificate(watcher.cert).serialNumber;
    await revokeRole(fleet.store, serial, { reason: 'left the unit', by: 'depot', now: new Date() });
    await refreshCrl(fleet.store);
    await crlToBroker();
    t.regex(await attempt(broker.url, { ...watcher, clientId: 'watcher-2' }), /^refused/, 'a revoked role certificate');

    const e = (await fleet.store.get('REN-01'))!;
    t.is(e.state, 'retired');
    t.deepEqual(e.history.map((h) => h.action), ['provisioned', 'renewed', 'retired']);
    t.deepEqual(e.certificates.map((c) => c.revokedReason), ['superseded', 'cessationOfOperation']);
  } finally {
    await broker.dispose();
    await rm(fleet.root, { recursive: true, force: true });
  }
});
