/**
 * `casecam verify BUNDLE --registry DIR` on bundles from a real recording: the key
 * accepted for the device is pinned; a device with no accepted key, or another key, fails;
 * after a revocation, a case opened before it passes with a note and one opened after
 * it fails.
 */
import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { cli, recordCase, startRecorder } from '../evidence/helpers.js';
import { tempDir, testConfig } from '../helpers/test-config.js';
import { makeFleet, type Fleet } from './fleet-pki.js';
import { acceptDevice, revokeDevice } from '../../src/registry/device-lifecycle.js';
import { keyFingerprint } from '../../src/evidence/device-key.js';

const DEVICE = 'VER-01';
let root = '';
const fleets: Fleet[] = [];
let registered: Fleet; // key accepted, then revoked between the two cases
let pending: Fleet; // provisioned, never accepted
let otherKey: Fleet; // accepted a key that is not the device's
let before = '';
let after = '';

test.before(async () => {
  root = await tempDir('casecam-verify-reg-');
  for (let i = 0; i < 3; i++) {
    const f = await makeFleet();
    await f.provision(DEVICE);
    fleets.push(f);
  }
  [registered, pending, otherKey] = fleets as [Fleet, Fleet, Fleet];
  const data = path.join(root, 'data');
  const r = await startRecorder(testConfig(data, { deviceId: DEVICE, preRecordSeconds: 1 }));
  try {
    await acceptDevice(registered.store, DEVICE, { fingerprint: r.deviceKey.fingerprint, publicKeyPem: r.deviceKey.publicPem, by: 'installer', now: new Date() });
    const stranger = generateKeyPairSync('ed25519').publicKey;
    await acceptDevice(otherKey.store, DEVICE, { fingerprint: keyFingerprint(stranger), publicKeyPem: stranger.export({ type: 'spki', format: 'pem' }) as string, by: 'installer', now: new Date() });
    await recordCase(r, 'CASE-BEFORE', 2);
    await revokeDevice(registered.store, DEVICE, { reason: 'stolen', by: 'supervisor', now: new Date() });
    await recordCase(r, 'CASE-AFTER', 2);
  } finally {
    await r.stop();
  }
  before = path.join(root, 'before');
  after = path.join(root, 'after');
  for (const [id, out] of [['CASE-BEFORE', before], ['CASE-AFTER', after]] as const) {
    const e = await cli('case', 'export', id, '--data', data, '--out', out);
    if (e.code !== 0) throw new Error(`export failed: ${e.stderr}`);
  }
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
  for (const f of fleets) await rm(f.root, { recursive: true, force: true });
});

test('a case opened before the revocation passes, pinned, with a note', async (t) => {
  const r = await cli('verify', before, '--registry', registered.store.dir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /key pinned/);
  t.regex(r.stdout, /note: key [0-9a-f]{64} of VER-01 was revoked at .*after the case opened/);
});

test('a case opened after the revocation is refused', async (t) => {
  const r = await cli('verify', after, '--registry', registered.store.dir);
  t.is(r.code, 1);
  t.regex(r.stderr, /was revoked at .*before the case opened/);
});

test('a device with no accepted key, or with another key registered, is refused', async (t) => {
  const p = await cli('verify', before, '--registry', pending.store.dir);
  t.is(p.code, 1);
  t.regex(p.stderr, /no accepted evidence key/);
  const o = await cli('verify', before, '--registry', otherKey.store.dir);
  t.is(o.code, 1);
  t.regex(o.stderr, /not registered for VER-01/);
});
