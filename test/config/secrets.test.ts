/**
 * No secret leaves the service: a broker password (in `mqtt.password` or inside
 * `mqtt.url`) reaches neither the journal, the logs, the store, nor the MQTT reports.
 * The journal records the config with each secret replaced by a keyed fingerprint, so
 * a changed password still shows as a changed config.
 */
import test from 'ava';
import { spawn, execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { silentLogger } from '../../src/core/logger.js';
import { systemClock } from '../../src/core/clock.js';
import { Store } from '../../src/store/store.js';
import { Journal } from '../../src/evidence/journal.js';
import { loadOrCreateDeviceKey } from '../../src/evidence/device-key.js';
import { journalStart } from '../../src/evidence/startup-entries.js';
import { parseConfig } from '../../src/config/load.js';
import { urlForLog } from '../../src/config/secrets.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const exec = promisify(execFile);

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

test('urlForLog drops user name and password', (t) => {
  t.is(urlForLog('mqtt://bob:s3cret@broker.example:1883'), 'mqtt://broker.example:1883');
  t.is(urlForLog('mqtts://bob:p%40ss@10.0.0.1'), 'mqtts://10.0.0.1');
  t.is(urlForLog('mqtt://10.0.0.1:1883'), 'mqtt://10.0.0.1:1883');
});

test('a changed broker password shows in the journal as a changed fingerprint, never as the password', async (t) => {
  const dir = await tempDir('casecam-secret-fp-');
  const base = testConfig(dir);
  const journaled: Array<Record<string, unknown>> = [];
  for (const password of ['first-Secret-1', 'first-Secret-1', 'second-Secret-2']) {
    const config = parseConfig({ ...base, mqtt: { url: `mqtt://dev:${password}x@127.0.0.1:1`, username: 'dev', password } });
    const store = await Store.open(path.join(dir, 'db'), silentLogger());
    const journal = await Journal.open(store, systemClock, silentLogger());
    const key = await loadOrCreateDeviceKey(path.join(dir, 'keys'));
    await journalStart({ store, journal, config, key });
    await journal.idle();
    const entries = (await store.journal.values()).filter((e) => e.type === 'config.changed');
    journaled.push(...entries.slice(journaled.length).map((e) => e.data));
    await store.close();
  }
  t.is(journaled.length, 2, 'the same config twice is journaled once; the new password once more');
  const [first, second] = journaled.map((d) => (d.config as { mqtt: { password: string; url: string } }).mqtt);
  t.regex(first!.password, /^secret:hmac-sha256:[0-9a-f]{16}$/);
  t.not(first!.password, second!.password);
  t.regex(first!.url, /^mqtt:\/\/dev:secret%3Ahmac-sha256%3A[0-9a-f]{16}@127\.0\.0\.1:1$/);
  const text = JSON.stringify(journaled);
  t.false(text.includes('Secret'), text);
});

test('the live passphrase and a password in the live URL are journaled as fingerprints only', async (t) => {
  const dir = await tempDir('casecam-secret-live-');
  const config = parseConfig({ ...testConfig(dir), live: { url: 'rtmp://cam:Live-Secret-3@127.0.0.1/live/x', passphrase: 'Srt-Secret-Passphrase-4' } });
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  const journal = await Journal.open(store, systemClock, silentLogger());
  await journalStart({ store, journal, config, key: await loadOrCreateDeviceKey(path.join(dir, 'keys')) });
  await journal.idle();
  const entry = (await store.journal.values()).find((e) => e.type === 'config.changed');
  await store.close();
  const live = (entry!.data.config as { live: { url: string; passphrase: string } }).live;
  t.regex(live.passphrase, /^secret:hmac-sha256:[0-9a-f]{16}$/);
  t.regex(live.url, /^rtmp:\/\/cam:secret%3Ahmac-sha256%3A[0-9a-f]{16}@127\.0\.0\.1\/live\/x$/);
  t.false(JSON.stringify(entry).includes('Secret'));
});

test('casecam run keeps the broker password out of logs, journal, store and MQTT reports', async (t) => {
  const urlSecret = 'UrlPw-5820-zq';
  const fieldSecret = 'FieldPw-9731-zq';
  const broker = await Mosquitto.start({ users: { casecam: urlSecret, watcher: 'w' } });
  t.teardown(() => broker.dispose());
  const dir = await tempDir('casecam-secrets-');
  const config = {
    ...testConfig(path.join(dir, 'data'), { deviceId: 'SECRET-BOX' }),
    mqtt: { url: `mqtt://casecam:${urlSecret}@127.0.0.1:${broker.port}`, username: 'casecam', password: fieldSecret, healthSeconds: 1 },
  };
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  const watcher = await Watcher.connect(broker.url, ['casecam/SECRET-BOX/#'], { username: 'watcher', password: 'w' });
  t.teardown(() => watcher.client.endAsync());

  const child = spawn(process.execPath, [CLI, 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CASECAM_LOG_JSON: '1' } });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => child.kill('SIGKILL'));
  await waitFor(() => log.includes('connected to broker'), 60_000, 'the service to connect to the broker');
  await watcher.until(() => ['state', 'inventory', 'health'].every((k) => watcher.messages.some((m) => m.topic === `casecam/SECRET-BOX/${k}`)), 'state, inventory and health', 30_000);
  child.kill('SIGTERM');
  t.is(await exited, 0, log.slice(-2000));

  const connected = log.split('\n').find((l) => l.includes('connected to broker'))!;
  t.true(connected.includes(`mqtt://127.0.0.1:${broker.port}`), connected);
  for (const secret of [urlSecret, fieldSecret]) {
    t.false(log.includes(secret), `log holds ${secret}`);
    t.false(watcher.messages.some((m) => m.text.includes(secret)), `an MQTT report holds ${secret}`);
  }
  const { stdout: journal } = await exec(process.execPath, [CLI, 'journal', 'list', '--data', path.join(dir, 'data')]);
  t.regex(journal, /config\.changed/);
  t.regex(journal, /secret:hmac-sha256:/);
  for (const secret of [urlSecret, fieldSecret]) t.false(journal.includes(secret), `journal holds ${secret}`);
  // Nothing on disk either: LevelDB tables and logs, keys, segments.
  for (const f of await allFiles(path.join(dir, 'data'))) {
    const bytes = await readFile(f);
    for (const secret of [urlSecret, fieldSecret]) t.is(bytes.indexOf(secret), -1, `${f} holds ${secret}`);
  }
});
