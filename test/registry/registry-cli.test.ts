/**
 * The registry as a person at the depot uses it, through the command line: provisioning
 * twice is refused without --force, a wrong fingerprint is refused and the device stays
 * pending, every step is kept in the device's history, and a revocation reaches the CRL.
 */
import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cli, run } from '../evidence/helpers.js';
import { tempDir } from '../helpers/test-config.js';
import { keyFingerprint } from '../../src/evidence/device-key.js';
import { DeviceEntrySchema, type DeviceEntry } from '../../src/registry/registry-schema.js';
import { RegistryStore } from '../../src/registry/registry-store.js';

const entryOf = async (reg: string, id: string): Promise<DeviceEntry> => DeviceEntrySchema.parse(JSON.parse(await readFile(path.join(reg, 'devices', `${id}.json`), 'utf8')));

function deviceKey() {
  const { publicKey } = generateKeyPairSync('ed25519');
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }) as string, fingerprint: keyFingerprint(publicKey) };
}

test('provision, refuse a second provisioning, accept only the right fingerprint, revoke into the CRL; history keeps every step', async (t) => {
  const root = await tempDir('casecam-registry-');
  const reg = path.join(root, 'registry');
  const pkg = path.join(root, 'pkg');
  try {
    t.is((await cli('registry', 'init', '--registry', reg, '--name', 'Depot CA', '--by', 'clerk Wang')).code, 0);
    t.is(((await stat(path.join(reg, 'ca', 'ca.key'))).mode & 0o777).toString(8), '600');
    const provision = (...extra: string[]) => cli('provision', '--registry', reg, '--device', 'HA-V-01', '--kind', 'vehicle', '--plate', '苏H12345', '--unit', 'Detachment 1', '--broker', 'mqtts://broker.example:8883', '--out', pkg, '--by', 'clerk Wang', ...extra);
    const first = await provision();
    t.is(first.code, 0, first.stderr);
    const config = JSON.parse(await readFile(path.join(pkg, 'config.json'), 'utf8')) as { deviceId: string; kind: string; site: string; mqtt: { url: string; keyFile: string } };
    t.like(config, { deviceId: 'HA-V-01', kind: 'vehicle', site: '苏H12345', mqtt: { url: 'mqtts://broker.example:8883', keyFile: '/etc/casecam/device.key' } });
    t.is(((await stat(path.join(pkg, 'device.key'))).mode & 0o777).toString(8), '600');
    const subject = await run('openssl', ['x509', '-in', path.join(pkg, 'device.crt'), '-noout', '-subject']);
    t.regex(subject.stdout, /CN\s*=\s*HA-V-01/);
    const verified = await run('openssl', ['verify', '-CAfile', path.join(reg, 'ca', 'ca.pem'), path.join(pkg, 'device.crt')]);
    t.is(verified.code, 0, verified.stderr);

    const again = await provision();
    t.is(again.code, 2);
    t.regex(again.stderr, /already provisioned .*--force/);
    t.is(again.stderr.trim().split('\n').length, 1);

    const firstSerial = (await entryOf(reg, 'HA-V-01')).certificates[0]!.serial;
    t.is((await provision('--force')).code, 0);

    const real = deviceKey();
    const keyFile = path.join(root, 'device.pub.pem');
    await writeFile(keyFile, real.pem);
    const wrong = await cli('registry', 'accept', 'HA-V-01', '--registry', reg, '--key', keyFile, '--fingerprint', deviceKey().fingerprint);
    t.not(wrong.code, 0);
    t.regex(wrong.stderr, /fingerprint mismatch .*stays pending/);
    t.is((await entryOf(reg, 'HA-V-01')).state, 'pending');

    // The inventory the device published (as saved with mosquitto_sub) carries the key.
    const inv = path.join(root, 'inventory.json');
    await writeFile(inv, JSON.stringify({ deviceId: 'HA-V-01', evidenceKey: { fingerprint: real.fingerprint, publicKeyPem: real.pem } }));
    const ok = await cli('registry', 'accept', 'HA-V-01', '--registry', reg, '--inventory', inv, '--fingerprint', real.fingerprint, '--by', 'installer Li');
    t.is(ok.code, 0, ok.stderr);
    t.is((await entryOf(reg, 'HA-V-01')).state, 'active');

    const revoked = await cli('registry', 'revoke', 'HA-V-01', '--registry', reg, '--reason', 'box stolen from vehicle', '--by', 'supervisor Zhao');
    t.is(revoked.code, 0, revoked.stderr);
    const e = await entryOf(reg, 'HA-V-01');
    t.is(e.state, 'revoked');
    t.deepEqual(e.history.map((h) => [h.action, h.by]), [
      ['provisioned', 'clerk Wang'],
      ['re-provisioned', 'clerk Wang'],
      ['accepted', 'installer Li'],
      ['revoked', 'supervisor Zhao'],
    ]);
    t.truthy(e.evidenceKeys[0]!.revokedAt);
    const crl = await run('openssl', ['crl', '-in', path.join(reg, 'ca', 'crl.pem'), '-noout', '-text']);
    for (const c of e.certificates) t.true(crl.stdout.includes(`Serial Number: ${c.serial}`), `CRL lists ${c.serial}`);
    t.true(crl.stdout.includes(firstSerial));
    const crlOk = await run('openssl', ['crl', '-in', path.join(reg, 'ca', 'crl.pem'), '-CAfile', path.join(reg, 'ca', 'ca.pem'), '-noout']);
    t.is(crlOk.code, 0, crlOk.stderr);
    t.not((await cli('registry', 'accept', 'HA-V-01', '--registry', reg, '--key', keyFile, '--fingerprint', real.fingerprint)).code, 0, 'a revoked device is not accepted again');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the store refuses a write that rewrites a device’s history', async (t) => {
  const root = await tempDir('casecam-registry-');
  try {
    const reg = path.join(root, 'registry');
    t.is((await cli('registry', 'init', '--registry', reg, '--name', 'CA')).code, 0);
    t.is((await cli('provision', '--registry', reg, '--device', 'C-1', '--kind', 'counter', '--broker', 'mqtts://b:8883', '--out', path.join(root, 'p'))).code, 0);
    const store = new RegistryStore(reg);
    const e = (await store.get('C-1'))!;
    const at = new Date().toISOString();
    await t.throwsAsync(store.put({ ...e, state: 'active', history: [{ at, by: 'x', action: 'accepted' }] }), { message: /append to its history/ });
    await t.throwsAsync(store.put({ ...e, state: 'active' }), { message: /append to its history/ }, 'a change without a history entry');
    await store.put({ ...e, state: 'retired', history: [...e.history, { at, by: 'x', action: 'retired' }] });
    t.is((await store.get('C-1'))!.state, 'retired');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('two people provisioning the same ID at once: exactly one succeeds', async (t) => {
  const root = await tempDir('casecam-registry-');
  try {
    const reg = path.join(root, 'registry');
    t.is((await cli('registry', 'init', '--registry', reg, '--name', 'CA')).code, 0);
    const both = await Promise.all(
      ['a', 'b'].map((who) => cli('provision', '--registry', reg, '--device', 'RACE-1', '--kind', 'counter', '--broker', 'mqtts://b:8883', '--out', path.join(root, who), '--by', who)),
    );
    t.deepEqual(both.map((r) => r.code).sort(), [0, 2], both.map((r) => r.stderr).join(' | '));
    for (const r of both.filter((r) => r.code !== 0)) t.regex(r.stderr, /another registry step is running|already provisioned/);
    t.is((await entryOf(reg, 'RACE-1')).history.length, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('registry commands have --help and give one-line errors', async (t) => {
  for (const cmd of [['registry'], ['provision'], ['keys']]) {
    const h = await cli(...cmd, '--help');
    t.is(h.code, 0);
    t.regex(h.stdout, new RegExp(`usage: casecam ${cmd[0]}`));
  }
  const root = await tempDir('casecam-registry-');
  try {
    const r = await cli('registry', 'list', '--registry', root);
    t.is(r.code, 2);
    t.regex(r.stderr, /not a registry/);
    t.is(r.stderr.trim().split('\n').length, 1);
    const k = await cli('keys', 'show', '--data', root);
    t.not(k.code, 0);
    t.regex(k.stderr, /no evidence key .* start the service once/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
