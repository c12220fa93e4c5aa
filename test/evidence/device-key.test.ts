/** The device's Ed25519 key pair: created once, 0600, never replaced, checked against its public half. */
import test from 'ava';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { loadOrCreateDeviceKey, signBytes, verifyBytes } from '../../src/evidence/device-key.js';
import { run } from './helpers.js';
import { tempDir } from '../helpers/test-config.js';

test('created on first start: private key 0600 in a 0700 directory, fingerprint as openssl computes it', async (t) => {
  const dir = path.join(await tempDir('casecam-key-'), 'keys');
  const k = await loadOrCreateDeviceKey(dir);
  t.true(k.created);
  t.is((await stat(path.join(dir, 'device.key'))).mode & 0o777, 0o600);
  t.is((await stat(dir)).mode & 0o777, 0o700);
  const der = await run('sh', ['-c', `openssl pkey -pubin -in '${path.join(dir, 'device.pub.pem')}' -outform DER | sha256sum`]);
  t.is(der.stdout.slice(0, 64), k.fingerprint);
  const again = await loadOrCreateDeviceKey(dir);
  t.false(again.created);
  t.is(again.fingerprint, k.fingerprint);
  t.true(verifyBytes(again.publicKey, Buffer.from('x'), signBytes(k, Buffer.from('x'))));
});

test('a private key readable by others is refused, and left as it is for a person to look at', async (t) => {
  const dir = path.join(await tempDir('casecam-key-'), 'keys');
  await loadOrCreateDeviceKey(dir);
  await chmod(path.join(dir, 'device.key'), 0o644);
  await t.throwsAsync(loadOrCreateDeviceKey(dir), { message: /device key .*device\.key is readable by others \(mode 0644\): run chmod 600/ });
  t.is((await stat(path.join(dir, 'device.key'))).mode & 0o777, 0o644);
  await chmod(path.join(dir, 'device.key'), 0o640);
  await t.throwsAsync(loadOrCreateDeviceKey(dir), { message: /mode 0640/ }, 'group-readable too');
  await chmod(path.join(dir, 'device.key'), 0o600);
  await t.notThrowsAsync(loadOrCreateDeviceKey(dir));
});

test('a public key file that does not belong to the private key is refused', async (t) => {
  const dir = path.join(await tempDir('casecam-key-'), 'keys');
  await loadOrCreateDeviceKey(dir);
  const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
  await writeFile(path.join(dir, 'device.pub.pem'), other);
  await t.throwsAsync(loadOrCreateDeviceKey(dir), { message: /does not belong to the private key/ });
});

test('a key provisioning put there is used, not replaced; a missing public half is rewritten', async (t) => {
  const dir = path.join(await tempDir('casecam-key-'), 'keys');
  const first = await loadOrCreateDeviceKey(dir);
  const pem = await readFile(path.join(dir, 'device.key'), 'utf8');
  await writeFile(path.join(dir, 'device.pub.pem'), '');
  await t.throwsAsync(loadOrCreateDeviceKey(dir));
  const { unlink } = await import('node:fs/promises');
  await unlink(path.join(dir, 'device.pub.pem'));
  const k = await loadOrCreateDeviceKey(dir);
  t.false(k.created);
  t.is(k.fingerprint, first.fingerprint);
  t.is(await readFile(path.join(dir, 'device.key'), 'utf8'), pem);
});
