/** The connection: TLS with CA, client certificate and key from config against a real mosquitto; the backoff policy. */
import test from 'ava';
import { readFile, rm } from 'node:fs/promises';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { makePki } from '../helpers/test-pki.js';
import { startDevice } from '../helpers/test-app.js';
import { backoffDelay } from '../../src/uplink/connection.js';

test('backoff doubles up to its cap, with jitter in the upper half of each step', (t) => {
  const at = (n: number, r: number) => backoffDelay(n, 500, 30_000, () => r);
  t.deepEqual([0, 1, 2, 3].map((n) => at(n, 1)), [500, 1000, 2000, 4000]);
  t.deepEqual([0, 1, 2, 3].map((n) => at(n, 0)), [250, 500, 1000, 2000]);
  t.is(at(20, 1), 30_000);
  t.is(at(1000, 0), 15_000);
});

test('mqtts:// with the CA, client certificate and key named in the config', async (t) => {
  const pki = await makePki();
  const broker = await Mosquitto.start({ tls: { ca: pki.ca, ...pki.server } });
  const deviceCert = await pki.client('TLS-01');
  const fleetCert = await pki.client('fleet');
  const dev = await startDevice({
    brokerUrl: broker.url,
    deviceId: 'TLS-01',
    mqtt: { caFile: pki.ca, certFile: deviceCert.cert, keyFile: deviceCert.key },
  });
  const tlsOpts = { ca: await readFile(pki.ca), cert: await readFile(fleetCert.cert), key: await readFile(fleetCert.key) };
  const fleet = await Watcher.connect(broker.url, ['casecam/TLS-01/status'], tlsOpts);
  try {
    t.regex(broker.url, /^mqtts:/);
    const online = await fleet.until(() => fleet.messages.find((m) => m.text === 'online'), 'online over TLS');
    t.is(online.topic, 'casecam/TLS-01/status');
    // Without a client certificate the broker refuses the device.
    const anon = await startDevice({ brokerUrl: broker.url, deviceId: 'TLS-02', mqtt: { caFile: pki.ca } });
    await new Promise((r) => setTimeout(r, 1500));
    t.false(anon.uplink.connected);
    await anon.dispose();
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
    await rm(pki.dir, { recursive: true, force: true });
  }
});
