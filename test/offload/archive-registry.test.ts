/**
 * `casecam archive` pinning device keys from the fleet registry (the pin the command line
 * builds for `--registry DIR`: pinForBundle on the registry), with a real mosquitto,
 * s3rver and recorder:
 * - a device the registry does not know: offload.reject with the reason, no receipt,
 *   nothing marked;
 * - once provisioned and its key accepted, the re-upload of that case is confirmed;
 * - its key revoked before the next case opened: that case is rejected naming the revocation.
 */
import test from 'ava';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { S3Server } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/test-config.js';
import { recordCase } from '../evidence/helpers.js';
import { startArchive, startDevice } from './helpers.js';
import { makeFleet } from '../registry/fleet-pki.js';
import { pinForBundle } from '../../src/registry/bundle-pin.js';
import { acceptDevice, revokeDevice } from '../../src/registry/device-lifecycle.js';
import { caseSegments } from '../../src/export/bundle-export.js';

interface Ev {
  type: string;
  caseId?: string;
  file?: string;
  reason?: string;
  key?: string;
  caseIds?: string[];
}

const DEVICE = 'VAN-09';

test('registry pin: unknown device rejected with the reason; accepted key confirmed; key revoked before the case rejected', async (t) => {
  const broker = await Mosquitto.start();
  const s3 = await S3Server.start();
  const client = await s3.client();
  const root = await tempDir('casecam-archive-registry-');
  const fleet = await makeFleet();
  const watch = await Watcher.connect(broker.url, ['casecam/+/events', 'casecam/+/cmd']);
  t.teardown(async () => {
    await watch.close();
    client.destroy();
    await s3.stop();
    await broker.stop();
    await rm(root, { recursive: true, force: true });
    await rm(fleet.root, { recursive: true, force: true });
  });
  const events = () => watch.json<Ev>(`casecam/${DEVICE}/events`);
  const commands = () => watch.json<{ action: string; caseId?: string; problems?: Array<{ reason: string }> }>(`casecam/${DEVICE}/cmd`);
  const device = await startDevice({ dataDir: path.join(root, 'data'), brokerUrl: broker.url, deviceId: DEVICE, offload: s3.offloadConfig({ retryInitialMs: 3000, retryMaxMs: 3000 }) });
  const archive = await startArchive({ root, device, s3, brokerUrl: broker.url, pin: (dir) => pinForBundle(fleet.store, dir) });
  t.teardown(async () => {
    await archive.stop();
    await device.app.stop();
  });
  const r = device.app;

  // Not in the registry (the --keys directory startArchive fills is not consulted).
  const first = 'REG-2026-0001';
  await recordCase(r, first, 2);
  const reject = await watch.until(() => commands().find((c) => c.action === 'offload.reject' && c.caseId === first), 'offload.reject', 90_000);
  t.regex(reject.problems![0]!.reason, new RegExp(`device ${DEVICE} is not in the registry`));
  const failed = await watch.until(() => events().find((e) => e.type === 'offload.failed' && e.caseId === first && /rejected/.test(e.reason ?? '')), 'offload.failed', 30_000);
  t.regex(failed.reason!, /not in the registry/);
  const keyBase = events().find((e) => e.type === 'offload.uploaded' && e.caseId === first)!.key!;
  t.false((await s3.keys(client, `${keyBase}/`)).some((k) => k.endsWith('receipt.json')), 'no receipt');
  t.true((await caseSegments(r.store, first)).every((s) => s.offloadedAt === undefined), 'nothing marked');

  // Provisioned and accepted: the device's next attempt is confirmed.
  await fleet.provision(DEVICE);
  await acceptDevice(fleet.store, DEVICE, { fingerprint: r.deviceKey.fingerprint, publicKeyPem: r.deviceKey.publicPem, by: 'installer', now: new Date() });
  await watch.until(() => events().find((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(first)), 'offload.confirmed once registered', 90_000);
  t.true((await s3.keys(client, `${keyBase}/`)).some((k) => k.endsWith('receipt.json')));

  // Revoked (stolen box) before the next case opened: that case is rejected, naming the revocation.
  await revokeDevice(fleet.store, DEVICE, { reason: 'stolen', by: 'supervisor', now: new Date() });
  const second = 'REG-2026-0002';
  await recordCase(r, second, 2);
  const revoked = await watch.until(() => commands().find((c) => c.action === 'offload.reject' && c.caseId === second), 'offload.reject after revocation', 90_000);
  t.regex(revoked.problems![0]!.reason, /was revoked at .*before the case opened/);
  t.false(events().some((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(second)));
  t.true((await caseSegments(r.store, second)).every((s) => s.offloadedAt === undefined));
});
