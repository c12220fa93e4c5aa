import test from 'ava';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile, parseConfig, resolvePaths } from '../../src/config/load.js';
import { simulatedCounterConfig } from '../../src/config/simulated.js';

const minimal = { deviceId: 'BOX-1', kind: 'counter', channels: [{ id: 'cam1', template: 'test-av' }] };

test('defaults fill a minimal config', (t) => {
  const c = parseConfig(minimal);
  t.is(c.recording.preRecordSeconds, 30);
  t.is(c.recording.segmentSeconds, 2);
  t.is(c.channels[0]!.fps, 25);
  const p = resolvePaths({ ...c, paths: { dataDir: '/d' } });
  t.deepEqual(p, {
    dataDir: '/d',
    ringDir: '/d/ring',
    evidenceDir: '/d/evidence',
    backgroundDir: '/d/background',
    keyDir: '/d/keys',
    dbDir: '/d/db',
  });
  t.is(c.storage.lowFreePercent, 20);
  t.is(c.storage.backgroundBytes, 0);
});

test('a broken field is refused with its name and what was expected', (t) => {
  const err = t.throws(() => parseConfig({ ...minimal, recording: { preRecordSeconds: 500 } }));
  t.regex(err!.message, /recording\.preRecordSeconds/);
  t.regex(err!.message, /120/);
  const err2 = t.throws(() => parseConfig({ ...minimal, channels: [{ id: 'Cam 1', template: 'test-av' }] }));
  t.regex(err2!.message, /channels\[0\]\.id/);
  const err3 = t.throws(() => parseConfig({ ...minimal, channels: [minimal.channels[0], minimal.channels[0]] }));
  t.regex(err3!.message, /used twice/);
});

test('an unreadable or non-JSON file is refused with the file named', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
  const bad = path.join(dir, 'bad.json');
  await writeFile(bad, '{"deviceId": ');
  await t.throwsAsync(loadConfigFile(bad), { message: /bad\.json is not valid JSON/ });
  await t.throwsAsync(loadConfigFile(path.join(dir, 'none.json')), { message: /cannot read config file/ });
  const good = path.join(dir, 'good.json');
  await writeFile(good, JSON.stringify(minimal));
  t.is((await loadConfigFile(good)).deviceId, 'BOX-1');
});

test('the simulated counter box is a valid two-channel counter config', (t) => {
  const c = simulatedCounterConfig({ dataDir: '/tmp/x' });
  t.is(c.kind, 'counter');
  t.is(c.channels.length, 2);
});

test('an unknown key is refused with its path and the closest known key', (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...minimal, recordng: { preRecordSeconds: 10 } }, /recordng: unknown key, did you mean "recording"\?/],
    [{ ...minimal, preRecordSecond: 10 }, /preRecordSecond: unknown key, did you mean "recording\.preRecordSeconds"\?/],
    [{ ...minimal, mqtt: { passwd: 'x' } }, /mqtt\.passwd: unknown key, did you mean "mqtt\.password"\?/],
    [{ ...minimal, channels: [{ ...minimal.channels[0], tempalte: 'x' }] }, /channels\[0\]\.tempalte: unknown key, did you mean "channels\[0\]\.template"\?/],
    [{ ...minimal, mqtt: { outbox: { windw: 5 } } }, /mqtt\.outbox\.windw: unknown key, did you mean "mqtt\.outbox\.window"\?/],
  ];
  for (const [value, message] of cases) t.throws(() => parseConfig(value), { message }, String(message));
  // Nothing close: the keys known there are listed instead.
  t.throws(() => parseConfig({ ...minimal, storage: { zzzzzzzz: 1 } }), { message: /storage\.zzzzzzzz: unknown key, known keys here: budgetBytes/ });
});

test('defaults of every section, gpio, serial and mqtt included, are applied when the config is loaded', (t) => {
  const c = parseConfig(minimal);
  t.is(c.gpio.debounceMs, 30);
  t.is(c.gpio.longPressSeconds, 3);
  t.is(c.serial.gpsLostSeconds, 10);
  t.is(c.serial.gps, undefined);
  t.is(c.mqtt.keepaliveSeconds, 30);
  t.is(c.mqtt.protocolVersion, 5);
  t.is(c.mqtt.outbox.window, 100);
  t.is(c.mqtt.url, undefined);
  t.is(c.supervisor.stallSeconds, 10);
});

test('relative paths in a config file are relative to the file, not to the working directory', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-rel-'));
  const file = path.join(dir, 'etc', 'casecam.json');
  await mkdir(path.dirname(file));
  await writeFile(file, JSON.stringify({ ...minimal, paths: { dataDir: 'data', ringDir: '../ring' }, mqtt: { caFile: 'pki/ca.pem' } }));
  const c = await loadConfigFile(path.relative(process.cwd(), file));
  t.is(c.paths.dataDir, path.join(dir, 'etc', 'data'));
  t.is(c.paths.ringDir, path.join(dir, 'ring'));
  t.is(c.mqtt.caFile, path.join(dir, 'etc', 'pki', 'ca.pem'));
  t.is(resolvePaths(c).evidenceDir, path.join(dir, 'etc', 'data', 'evidence'));
});

test('data paths under /proc, /sys or /dev are refused with the field named, also through a symlink', async (t) => {
  for (const [key, p] of [['dataDir', '/proc/self/casecam'], ['ringDir', '/sys/kernel/x'], ['evidenceDir', '/dev/shm/../evidence'], ['keyDir', '/dev/casecam']] as const) {
    t.throws(() => resolvePaths(parseConfig({ ...minimal, paths: { dataDir: '/tmp/d', [key]: p } })), { message: new RegExp(`paths\\.${key}: .* is under /(proc|sys|dev)`) }, key);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-proc-'));
  await symlink('/proc/self', path.join(dir, 'link'));
  t.throws(() => resolvePaths(parseConfig({ ...minimal, paths: { dataDir: path.join(dir, 'link', 'data') } })), { message: /paths\.dataDir: .* is under \/proc/ });
  const file = path.join(dir, 'c.json');
  await writeFile(file, JSON.stringify({ ...minimal, paths: { dataDir: '/proc/casecam' } }));
  await t.throwsAsync(loadConfigFile(file), { message: /c\.json: paths\.dataDir: "\/proc\/casecam" is under \/proc/ });
});

test('a ring path with a space is accepted; a quote or backslash is refused at load with the field named', (t) => {
  t.is(parseConfig({ ...minimal, paths: { dataDir: '/tmp/x', ringDir: '/tmp/my ring' } }).paths.ringDir, '/tmp/my ring');
  t.throws(() => parseConfig({ ...minimal, paths: { ringDir: '/tmp/my"ring' } }), { message: /paths\.ringDir: a path without quotes/ });
  t.throws(() => parseConfig({ ...minimal, paths: { dataDir: '/tmp/a\\b' } }), { message: /paths\.dataDir: a path without quotes/ });
});
