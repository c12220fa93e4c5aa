/**
 * The start-of-duty self-check, through `casecam selfcheck` as an operator runs it: the
 * simulated box passes and its result is retained on the broker's `selfcheck` topic;
 * a box with a camera that cannot start and no broker fails naming both, and one with a
 * read-only evidence directory (which stops the start itself) names the storage; each
 * failed item says what to do. A running service answers the MQTT command.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { tempDir } from '../helpers/test-config.js';
import { SelfCheckSchema, type SelfCheckResult } from '../../src/core/selfcheck-schema.js';
import { startDevice } from '../helpers/test-app.js';
import { luksSysfs } from '../helpers/luks-sysfs.js';
import { atRest } from '../../src/evidence/at-rest.js';
import { atRestProbe } from '../../src/quality/selfcheck-probes.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function selfcheck(args: string[]): Promise<{ code: number; result: SelfCheckResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('node', [CLI, 'selfcheck', '--json', ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      try {
        resolve({ code, result: SelfCheckSchema.parse(JSON.parse(stdout)), stderr });
      } catch (e) {
        reject(new Error(`selfcheck printed no result (exit ${code}): ${stderr} ${stdout} ${String(e)}`));
      }
    });
  });
}

const item = (r: SelfCheckResult, name: string) => r.items.find((i) => i.name === name);

test('the simulated box passes, and the result is retained on the selfcheck topic', async (t) => {
  const broker = await Mosquitto.start();
  t.teardown(() => broker.stop());
  const dir = await tempDir('selfcheck-');
  const { code, result } = await selfcheck(['--simulate', '--data', dir, '--broker', broker.url]);
  t.is(code, 0, JSON.stringify(result.items.filter((i) => i.status === 'fail')));
  t.true(result.ok);
  for (const name of ['channel.cam1', 'channel.cam2', 'storage', 'broker', 'outbox', 'evidence-key']) t.is(item(result, name)?.status, 'ok', name);
  t.is(typeof item(result, 'storage')!.figures!.writeMBps, 'number');
  // Whether the evidence sits on an encrypted device, as the kernel says for this machine's disk.
  const disk = await atRest(path.join(dir, 'evidence'));
  const atRestItem = item(result, 'at-rest')!;
  t.like(atRestItem, { status: disk.encrypted ? 'ok' : 'warn', figures: { encrypted: disk.encrypted, device: disk.device } });
  if (!disk.encrypted) t.regex(atRestItem.action!, /LUKS2.*provisioning\.md/);
  const fleet = await Watcher.connect(broker.url, ['casecam/SIM-COUNTER-01/selfcheck']);
  t.teardown(() => fleet.close());
  const [retained] = await fleet.until(() => fleet.messages.length > 0 && fleet.messages, 'the retained selfcheck');
  t.true(retained!.retain);
  t.deepEqual(SelfCheckSchema.parse(JSON.parse(retained!.text)), result);
});

test('the at-rest item: ok on LVM on LUKS, a warning that names the LUKS set-up on a bare partition or when it cannot be told', async (t) => {
  const root = await tempDir('selfcheck-at-rest-');
  const evidence = path.join(root, 'evidence');
  await mkdir(evidence);
  const twin = await luksSysfs(root, evidence);
  t.like(await atRestProbe(evidence, twin.sys), { name: 'at-rest', status: 'ok', detail: 'the evidence directory is on an encrypted device (dm-1 on dm-0 (LUKS2))', figures: { encrypted: true, device: 'dm-1', via: 'dm-0 (LUKS2)' } });
  await twin.mount('partition');
  const plain = await atRestProbe(evidence, twin.sys);
  t.like(plain, { status: 'warn', figures: { encrypted: false, device: 'mmcblk0p3' } });
  t.regex(plain.detail, /on mmcblk0p3, which is not encrypted/);
  t.regex(plain.action!, /LUKS2 partition .*docs\/provisioning\.md, "Encryption at rest"/);
  await twin.mount('none');
  const unknown = await atRestProbe(evidence, twin.sys);
  t.like(unknown, { status: 'warn', figures: { encrypted: null, device: null } });
  t.regex(unknown.detail, /cannot tell/);
  t.truthy(unknown.action);
});

async function badConfig(dir: string, extra: Record<string, unknown>): Promise<string> {
  const config = {
    deviceId: 'SELFCHECK-BAD',
    kind: 'counter',
    channels: [
      { id: 'cam1', template: 'test-av', params: { width: 160, height: 120, bitrate: 200 } },
      { id: 'dead', template: 'v4l2-x264', params: { device: '/dev/casecam-no-such-camera' } },
    ],
    recording: { preRecordSeconds: 2, postRecordSeconds: 0 },
    supervisor: { restartInitialMs: 100, restartMaxMs: 1000 },
    selfcheck: { startGraceSeconds: 3, windowSeconds: 3 },
    paths: { dataDir: dir },
    ...extra,
  };
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

test('a camera that cannot start and no broker: each fails and says what to do', async (t) => {
  const dir = await tempDir('selfcheck-bad-');
  const port = await freePort(); // nothing listens there
  const file = await badConfig(dir, { mqtt: { url: `mqtt://127.0.0.1:${port}`, reconnectInitialMs: 100, reconnectMaxMs: 500 } });
  const { code, result } = await selfcheck(['--config', file]);
  t.is(code, 1);
  t.false(result.ok);
  t.is(item(result, 'channel.cam1')?.status, 'ok');
  t.is(item(result, 'storage')?.status, 'ok');
  const dead = item(result, 'channel.dead')!;
  t.is(dead.status, 'fail');
  t.regex(dead.action!, /camera/);
  const broker = item(result, 'broker')!;
  t.is(broker.status, 'fail');
  t.regex(broker.detail, new RegExp(`127\\.0\\.0\\.1:${port}`));
  t.regex(broker.action!, /broker address/);
  for (const i of result.items.filter((x) => x.status === 'fail')) t.truthy(i.action, `${i.name} says what to do`);
});

test('a read-only evidence directory: the storage item fails and says what to do', async (t) => {
  const dir = await tempDir('selfcheck-ro-');
  const evidence = path.join(dir, 'ro-evidence');
  await mkdir(evidence, { recursive: true });
  // A read-only file system, as after a remount on disk errors (the test runs as root, so modes would not stop it).
  await new Promise<void>((resolve, reject) => execFile('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', evidence], (err) => (err ? reject(new Error(err.message)) : resolve())));
  t.teardown(() => new Promise<void>((resolve) => execFile('umount', [evidence], () => resolve())));
  const file = await badConfig(dir, { paths: { dataDir: dir, evidenceDir: evidence } });
  const { code, result } = await selfcheck(['--config', file]);
  t.is(code, 1);
  const storage = item(result, 'storage')!;
  t.is(storage.status, 'fail');
  t.regex(storage.detail, /read-only|EROFS/i);
  t.regex(storage.action!, /read-write/);
});

test('a running service answers the selfcheck command: reply, retained result, event', async (t) => {
  const broker = await Mosquitto.start();
  t.teardown(() => broker.stop());
  const device = await startDevice({ brokerUrl: broker.url, deviceId: 'SC-CMD' });
  t.teardown(() => device.dispose());
  const root = 'casecam/SC-CMD';
  const fleet = await Watcher.connect(broker.url, [`${root}/cmd/reply`, `${root}/selfcheck`, `${root}/events`]);
  t.teardown(() => fleet.close());
  const firstAt = Date.now();
  await fleet.client.publishAsync(`${root}/cmd`, JSON.stringify({ requestId: 'sc-1', action: 'selfcheck' }), { qos: 1 });
  const reply = await fleet.until(() => fleet.json<{ requestId: string; ok: boolean }>(`${root}/cmd/reply`).find((r) => r.requestId === 'sc-1'), 'the reply');
  t.true(reply.ok);
  const done = await fleet.until(
    () => fleet.json<SelfCheckResult>(`${root}/selfcheck`).find((r) => r.trigger === 'command' && r.ts >= firstAt),
    'the selfcheck result from the command',
    60_000,
  );
  t.is(item(done, 'channel.cam1')?.status, 'ok');
  t.is(item(done, 'broker')?.status, 'ok');
  await fleet.until(() => fleet.json<{ type: string; trigger?: string }>(`${root}/events`).find((e) => e.type === 'selfcheck.completed' && e.trigger === 'command'), 'the selfcheck.completed event');
});
