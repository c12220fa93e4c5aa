/**
 * Whether the evidence directory is on an encrypted device. This machine has no
 * device-mapper, so the positive case runs against a copy of the kernel's sysfs layout
 * for a LUKS2 volume with LVM on top (test/helpers/luks-sysfs.ts: a twin of /sys for hardware the machine lacks);
 * the real /sys is read for this machine's own disk.
 */
import test from 'ava';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { atRest, majorMinor } from '../../src/evidence/at-rest.js';
import { tempDir } from '../helpers/test-config.js';
import { luksSysfs } from '../helpers/luks-sysfs.js';
import { run } from './helpers.js';

test('major:minor from a device number as Linux encodes it', (t) => {
  t.is(majorMinor(0xfe00n), '254:0');
  // 259:65 (an NVMe partition above minor 255): minor's high bits live above bit 20.
  const dev = (259n << 8n) | (65n & 0xffn) | ((65n & ~0xffn) << 12n);
  t.is(majorMinor(dev), '259:65');
  const big = (8n << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n);
  t.is(majorMinor(big), '8:300');
});

test('LVM on LUKS: found through the device-mapper slaves; a plain partition is not encrypted', async (t) => {
  const root = await tempDir('casecam-sysfs-');
  try {
    const data = path.join(root, 'data');
    await mkdir(data);
    const twin = await luksSysfs(root, data);
    t.deepEqual(await atRest(data, twin.sys), { encrypted: true, device: 'dm-1', via: 'dm-0 (LUKS2)' });
    await twin.mount('partition');
    t.deepEqual(await atRest(data, twin.sys), { encrypted: false, device: 'mmcblk0p3' });
    await twin.mount('none');
    t.deepEqual(await atRest(data, twin.sys), { encrypted: null, device: null }, 'no block device: cannot tell');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('this machine’s own disk, read from the real /sys, agrees with findmnt and lsblk', async (t) => {
  const dir = os.tmpdir();
  const r = await atRest(dir);
  const source = (await run('findmnt', ['-n', '-o', 'SOURCE', '-T', dir])).stdout.trim();
  if (!source.startsWith('/dev/')) {
    t.is(r.encrypted, null, `${dir} is on ${source}`);
    return;
  }
  const layers = (await run('lsblk', ['-s', '-n', '-o', 'TYPE', source])).stdout.split('\n').map((l) => l.trim());
  t.is(r.encrypted, layers.includes('crypt'), `lsblk: ${layers.join(',')}; atRest: ${JSON.stringify(r)}`);
});
