import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listBoardProfiles, loadBoardProfile } from '../../src/hw/board-profile.js';
import { parseConfig } from '../../src/config/load.js';

test('every board the issue names has a valid profile whose templates exist in pipelines/', async (t) => {
  const ids = await listBoardProfiles();
  t.deepEqual(ids, ['jetson-orin-nano', 'rk3588', 'rpi4', 'rpi5', 'x86-generic']);
  const profiles = await Promise.all(ids.map((id) => loadBoardProfile(id)));
  const encoder = Object.fromEntries(profiles.map((p) => [p.id, p.encoder.template]));
  t.deepEqual(encoder, {
    'jetson-orin-nano': 'v4l2-x264',
    rk3588: 'rockchip-mpp',
    rpi4: 'rpi-v4l2h264enc',
    rpi5: 'v4l2-x264',
    'x86-generic': 'v4l2-x264',
  });
  for (const p of profiles) {
    t.true(p.cameras.every((c) => c.template === p.encoder.template), `${p.id}: cameras use the board's encoder`);
    t.true(p.serial.gps.path.startsWith('/dev/casecam-'), `${p.id}: stable udev name for the GPS`);
    // A profile's cameras are valid channels of a config.
    t.notThrows(() => parseConfig({ deviceId: 'X', kind: 'vehicle', channels: p.cameras, gpio: { board: p.id } }));
  }
  t.is(profiles.find((p) => p.id === 'x86-generic')!.gpio, null);
});

test('a profile naming an unknown template, or a bad line, is refused with the reason', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casecam-hw-'));
  const good = JSON.parse(JSON.stringify(await loadBoardProfile('rpi4')));
  await writeFile(path.join(dir, 'bad-tpl.json'), JSON.stringify({ ...good, id: 'bad-tpl', encoder: { ...good.encoder, template: 'nvenc-magic' } }));
  await t.throwsAsync(loadBoardProfile('bad-tpl', dir), { message: /no pipeline template "nvenc-magic"/ });
  await writeFile(path.join(dir, 'bad-line.json'), JSON.stringify({ ...good, id: 'bad-line', gpio: { ...good.gpio, lamp: { chip: 'x', line: -1 } } }));
  await t.throwsAsync(loadBoardProfile('bad-line', dir), { message: /gpio\.lamp\.line/ });
  await t.throwsAsync(loadBoardProfile('../etc', dir), { message: /not a profile name/ });
  await t.throwsAsync(loadBoardProfile('none', dir), { message: /cannot read board profile/ });
});

test('config: gpio and serial sections are checked', (t) => {
  const base = { deviceId: 'X', kind: 'counter', channels: [{ id: 'cam1', template: 'test-av' }] };
  const c = parseConfig({ ...base, gpio: { board: 'rpi4' }, serial: { gps: { path: '/dev/casecam-gps' } } });
  t.is(c.gpio!.longPressSeconds, 3);
  t.is(c.serial!.gps!.baudRate, 9600);
  t.throws(() => parseConfig({ ...base, serial: { gps: { path: '/dev/x', baudRate: 9601 } } }), { message: /serial\.gps\.baudRate/ });
  t.throws(() => parseConfig({ ...base, serial: { scanner: { path: '/dev/x', patterns: [{ pattern: '(', action: 'open' }] } } }), { message: /regular expression/ });
  t.throws(() => parseConfig({ ...base, gpio: { button: { chip: 'pinctrl-bcm2711', line: 17.5 } } }), { message: /gpio\.button\.line/ });
});

test('the camera twin turns every board\'s cameras into test sources that render', async (t) => {
  const { simulatedCameras } = await import('../../src/hw/sim/sim-cameras.js');
  const { loadTemplate, renderTemplate } = await import('../../src/media/pipeline-template.js');
  for (const id of await listBoardProfiles()) {
    const p = await loadBoardProfile(id);
    const channels = simulatedCameras(p);
    t.deepEqual(channels.map((c) => c.id), p.cameras.map((c) => c.id), id);
    const config = parseConfig({ deviceId: 'SIM', kind: 'vehicle', channels, gpio: { board: id } });
    for (const ch of config.channels) {
      const text = renderTemplate(await loadTemplate(ch.template), { template: ch.template, params: ch.params, fps: ch.fps, gopSeconds: 1, segmentSeconds: 2, location: '/r/x_%05d.mkv' });
      t.regex(text, /videotestsrc .*width=320/);
    }
  }
});
