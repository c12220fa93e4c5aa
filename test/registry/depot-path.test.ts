/**
 * The whole depot path of docs/provisioning.md, each step the command a person runs:
 * registry init → registry broker (a real mosquitto with those files) → provision →
 * first start of the device from its package (casecam run) → keys show and the retained
 * inventory (read with mosquitto_sub and the command centre's certificate) → registry
 * accept → a case commanded over mTLS → the case offloaded to the bucket (s3rver) and
 * accepted by `casecam archive run --registry` (the archive role's certificate over mTLS):
 * receipt written, offload.confirm back to the device → case export → verify --registry.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, cli, run } from '../evidence/helpers.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { S3Server } from '../helpers/s3-server.js';

const DEVICE = 'HA-COUNTER-0007';
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const CASE_ID = '淮交许〔2026〕7号';

async function ok(what: string, p: Promise<{ code: number; stdout: string; stderr: string }>) {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr.slice(-1500)}`);
  return r;
}

test('registry init → provision → first start → accept → mTLS → a case → archive --registry confirms its upload → verify --registry', async (t) => {
  const root = await tempDir('casecam-depot-');
  const reg = path.join(root, 'registry');
  const brokerDir = path.join(root, 'broker');
  const centreDir = path.join(root, 'centre');
  const pkg = path.join(root, 'etc-casecam');
  let broker: Mosquitto | undefined;
  let service: ReturnType<typeof spawn> | undefined;
  let archive: ReturnType<typeof spawn> | undefined;
  let centre: Watcher | undefined;
  const s3 = await S3Server.start();
  try {
    // At the depot: the registry, the broker's files, the command centre's certificate.
    await ok('registry init', cli('registry', 'init', '--registry', reg, '--name', 'Huai an transport enforcement fleet CA', '--by', 'depot clerk'));
    await ok('registry broker', cli('registry', 'broker', '--registry', reg, '--host', '127.0.0.1', '--out', brokerDir));
    await ok('registry role', cli('registry', 'role', 'command', '--registry', reg, '--holder', 'command centre', '--out', centreDir));
    const archiveDir = path.join(root, 'archive');
    await ok('registry role archive', cli('registry', 'role', 'archive', '--registry', reg, '--holder', 'data centre', '--out', archiveDir));
    const conf = await readFile(path.join(brokerDir, 'casecam.conf'), 'utf8');
    broker = await Mosquitto.start({ extraLines: conf.split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('listener ')) });

    // Provision, with a small test-source channel as the base config.
    const base = path.join(root, 'base.json');
    const small = testConfig(path.join(root, 'var-lib-casecam'), { preRecordSeconds: 1, postRecordSeconds: 0 });
    await writeFile(base, JSON.stringify({ channels: small.channels, recording: small.recording, paths: small.paths, mqtt: { reconnectInitialMs: 100, reconnectMaxMs: 1000 }, offload: s3.offloadConfig() }));
    await ok('provision', cli('provision', '--registry', reg, '--device', DEVICE, '--kind', 'counter', '--site', 'Permit hall, window 7', '--unit', 'Detachment 1', '--broker', broker.url, '--out', pkg, '--install-dir', pkg, '--base', base, '--by', 'depot clerk'));

    // The command centre watches the device (its certificate, the broker's ACL).
    const tls = { ca: await readFile(path.join(centreDir, 'ca.pem')), cert: await readFile(path.join(centreDir, 'command.crt')), key: await readFile(path.join(centreDir, 'command.key')) };
    centre = await Watcher.connect(broker.url, [`casecam/${DEVICE}/#`], { ...tls, clientId: 'centre', reconnectPeriod: 0 });

    // First start on the device: it makes its evidence key and connects over mTLS.
    service = spawn(process.execPath, [CLI, 'run', '--config', path.join(pkg, 'config.json')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CASECAM_LOG_JSON: '1' } });
    let log = '';
    service.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
    const exited = new Promise<number | null>((resolve) => service!.once('exit', (code) => resolve(code)));
    await centre.until(() => centre!.messages.some((m) => m.topic === `casecam/${DEVICE}/inventory`), `${DEVICE} online with its inventory (log: ${log.slice(-500)})`, 60_000);

    // The installer reads the fingerprint off the device; the inventory is saved with standard tools.
    const shown = JSON.parse((await ok('keys show', cli('keys', 'show', '--config', path.join(pkg, 'config.json'), '--json'))).stdout) as { fingerprint: string };
    const inv = await ok('mosquitto_sub', run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '--cafile', path.join(centreDir, 'ca.pem'), '--cert', path.join(centreDir, 'command.crt'), '--key', path.join(centreDir, 'command.key'), '-t', `casecam/${DEVICE}/inventory`, '-C', '1', '-W', '30']));
    const invFile = path.join(root, 'inventory.json');
    await writeFile(invFile, inv.stdout);
    t.is((JSON.parse(inv.stdout) as { evidenceKey: { fingerprint: string } }).evidenceKey.fingerprint, shown.fingerprint);
    await ok('registry accept', cli('registry', 'accept', DEVICE, '--registry', reg, '--inventory', invFile, '--fingerprint', shown.fingerprint, '--by', 'installer'));

    // The data centre: casecam archive with the registry's keys and the archive role's certificate.
    archive = spawn(
      process.execPath,
      [CLI, 'archive', 'run', '--broker', broker.url, '--ca', path.join(archiveDir, 'ca.pem'), '--cert', path.join(archiveDir, 'archive.crt'), '--cert-key', path.join(archiveDir, 'archive.key'),
        '--endpoint', s3.endpoint, '--bucket', s3.bucket, '--credentials', s3.credentialsFile, '--registry', reg, '--key-dir', path.join(root, 'archive-key')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let archiveLog = '';
    for (const out of [archive.stdout!, archive.stderr!]) out.on('data', (d: Buffer) => (archiveLog = (archiveLog + d.toString()).slice(-4000)));
    const archiveExited = new Promise<number | null>((resolve) => archive!.once('exit', (code) => resolve(code)));
    // Listening before the device uploads: a shared subscription keeps no events for an absent archive.
    await waitFor(() => archiveLog.includes('archive listening'), 30_000, 'casecam archive listening');

    // A case, commanded by the centre over mTLS.
    centre.client.publish(`casecam/${DEVICE}/cmd`, JSON.stringify({ requestId: 'depot-1', action: 'application.accepted', caseId: CASE_ID }), { qos: 1 });
    await centre.until(() => centre!.json<{ type?: string }>(`casecam/${DEVICE}/events`).some((e) => e.type === 'case.opened'), 'case.opened', 30_000);
    await new Promise((r) => setTimeout(r, 2500)); // the case's own length, not a wait for an event
    centre.client.publish(`casecam/${DEVICE}/cmd`, JSON.stringify({ requestId: 'depot-2', action: 'documents.served', caseId: CASE_ID, documents: ['DOC-7'] }), { qos: 1 });
    await centre.until(() => centre!.json<{ type?: string }>(`casecam/${DEVICE}/events`).some((e) => e.type === 'case.closed'), 'case.closed', 60_000);

    type Ev = { type?: string; caseId?: string; caseIds?: string[]; key?: string; reason?: string };
    const events = () => centre!.json<Ev>(`casecam/${DEVICE}/events`);
    await centre.until(
      () => events().some((e) => e.type === 'offload.confirmed' && e.caseIds?.includes(CASE_ID)) || events().find((e) => e.type === 'offload.failed' && /rejected/.test(e.reason ?? '')),
      'offload.confirmed',
      90_000,
    );
    t.deepEqual(events().filter((e) => e.type === 'offload.failed'), [], `the archive accepted the case at once (archive log: ${archiveLog.slice(-1500)})`);
    const uploaded = events().find((e) => e.type === 'offload.uploaded' && e.caseId === CASE_ID)!;
    const bucket = await s3.client();
    t.true((await s3.keys(bucket, `${uploaded.key}/`)).includes(`${uploaded.key}/receipt.json`));
    bucket.destroy();
    archive.kill('SIGTERM');
    t.is(await archiveExited, 0, archiveLog.slice(-2000));
    archive = undefined;
    service.kill('SIGTERM');
    t.is(await exited, 0, log.slice(-2000));
    service = undefined;

    // Export on the device, verify at the centre against the registry.
    const bundle = path.join(root, 'bundle');
    await ok('case export', cli('case', 'export', CASE_ID, '--config', path.join(pkg, 'config.json'), '--out', bundle));
    const v = await cli('verify', bundle, '--registry', reg);
    t.is(v.code, 0, v.stderr);
    t.regex(v.stdout, new RegExp(`intact: case ${CASE_ID} from device ${DEVICE}: [1-9][0-9]* segments`));
    t.regex(v.stdout, new RegExp(`key pinned: .*${shown.fingerprint}`));
    t.regex(v.stdout, /^category: permit-counter$/m);
    // The same check without casecam, as the README shows it: the key out of the registry with jq, then openssl and sha256sum.
    const readme = await readFile(README, 'utf8');
    const block = (marker: string) => /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(marker)))?.[1] ?? '';
    const lines = [block('<!-- registry-key'), block('<!-- third-party-check')].join('\n').split('\n').filter((l) => l.trim() && !/^(cd |KEY=|REGISTRY=)/.test(l));
    t.true(lines.length >= 8, lines.join('\n'));
    const third = await run('sh', ['-e', '-c', lines.join('\n')], { cwd: bundle, env: { ...process.env, REGISTRY: reg, KEY: path.join(root, 'registered.pem') } });
    t.is(third.code, 0, third.stdout + third.stderr);
    t.regex(third.stdout, /accepted .* by installer, revoked: no/);
    t.is((third.stdout.match(/Signature Verified Successfully/g) ?? []).length, 2);
    const history = JSON.parse((await ok('registry show', cli('registry', 'show', DEVICE, '--registry', reg))).stdout) as { state: string; history: Array<{ action: string }> };
    t.is(history.state, 'active');
    t.deepEqual(history.history.map((h) => h.action), ['provisioned', 'accepted']);
  } finally {
    service?.kill('SIGKILL');
    archive?.kill('SIGKILL');
    await s3.stop();
    await centre?.close();
    await broker?.dispose();
    await rm(root, { recursive: true, force: true });
  }
});
