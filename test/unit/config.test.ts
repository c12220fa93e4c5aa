import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
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
