/**
 * A signed bundle from a real recording (two test-source channels), checked from
 * outside: `casecam verify` as a child process, `sha256sum -c` and `openssl pkeyutl`.
 * Each way of tampering named in the issue is caught with its reason.
 */
import test from 'ava';
import { cp, readFile, readdir, rename, rm, stat, symlink, unlink, writeFile, copyFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CLI, cli, recordCase, run, startRecorder } from './helpers.js';
import { tempDir, testConfig } from '../helpers/test-config.js';
import { sumsText, type Manifest } from '../../src/export/manifest.js';
import { sha256Hex } from '../../src/evidence/journal-hash.js';
import { keyFingerprint } from '../../src/evidence/device-key.js';
import { Store } from '../../src/store/store.js';

const CASE_ID = '淮交罚〔2018〕86号';
let root = '';
let bundle = '';
let trustedKey = '';
let deviceFingerprint = '';

test.before(async () => {
  root = await tempDir('casecam-bundle-');
  const data = path.join(root, 'data');
  const r = await startRecorder(testConfig(data, { channels: 2, preRecordSeconds: 2 }));
  // A GPS track at 1 Hz (written as the field-hardware GPS source writes it): the case
  // file carries the track of its window.
  const gps = setInterval(() => {
    const at = Date.now();
    void r.store.gpsTrack.put(Store.timeKey(at), { at, lat: 33.61, lon: 119.02, speedKmh: 0 });
  }, 1000);
  try {
    await new Promise((res) => setTimeout(res, 3000));
    await recordCase(r, CASE_ID, 5);
    deviceFingerprint = r.deviceKey.fingerprint;
  } finally {
    clearInterval(gps);
    await r.stop();
  }
  trustedKey = path.join(root, 'registered.pem');
  await copyFile(path.join(data, 'keys', 'device.pub.pem'), trustedKey);
  bundle = path.join(root, 'bundle');
  const e = await cli('case', 'export', CASE_ID, '--data', data, '--out', bundle, '--operator', 'officer 7');
  if (e.code !== 0) throw new Error(`export failed: ${e.stderr}`);
});

let copies = 0;
async function copyOfBundle(): Promise<string> {
  const dir = path.join(root, `copy-${++copies}`);
  await cp(bundle, dir, { recursive: true });
  return dir;
}

const manifestOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

async function flipByte(file: string): Promise<void> {
  const buf = await readFile(file);
  const at = Math.floor(buf.length / 2);
  buf[at] = buf[at]! ^ 0x01;
  await writeFile(file, buf);
}

async function allFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p, base)));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

async function rejected(t: import('ava').ExecutionContext, dir: string, reason: RegExp, opts: { pinned?: boolean } = {}): Promise<void> {
  const args = ['verify', dir, ...(opts.pinned === false ? [] : ['--key', trustedKey])];
  const r = await cli(...args);
  t.is(r.code, 1, `verify should fail: ${r.stdout}`);
  t.regex(r.stderr, reason);
  t.regex(r.stderr, /NOT intact/);
}

test('the untampered bundle verifies (pinned and not), and passes sha256sum -c and openssl alone', async (t) => {
  const pinned = await cli('verify', bundle, '--key', trustedKey);
  t.is(pinned.code, 0, pinned.stderr);
  t.regex(pinned.stdout, new RegExp(`intact: case ${CASE_ID}`));
  t.regex(pinned.stdout, new RegExp(`key pinned: .*${deviceFingerprint}`));
  const unpinned = await cli('verify', bundle);
  t.is(unpinned.code, 0, unpinned.stderr);
  t.regex(unpinned.stdout, new RegExp(`key NOT pinned: .*fingerprint ${deviceFingerprint}`));

  const sums = await run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: bundle });
  t.is(sums.code, 0, sums.stdout + sums.stderr);
  const m = await manifestOf(bundle);
  t.is(m.reports?.length, 2, 'quality.json and report.html are listed');
  t.is(sums.stdout.trim().split('\n').length, 2 + m.segments.length + m.continuous.length + 2);
  for (const [file, sig] of [['manifest.json', 'manifest.sig'], ['SHA256SUMS', 'SHA256SUMS.sig']]) {
    // The third party uses the key registered at provisioning, not the one in the bundle.
    const o = await run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', trustedKey, '-rawin', '-in', file!, '-sigfile', sig!], { cwd: bundle });
    t.is(o.code, 0, o.stdout + o.stderr);
    t.regex(o.stdout, /Signature Verified Successfully/);
  }
});

test('the README\'s check with openssl and sha256sum alone passes, as written', async (t) => {
  const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const block = /<!-- third-party-check[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  t.truthy(block, 'README has the third-party check block');
  // The block's own `cd BUNDLE` and `KEY=…` lines name placeholders: run the rest here.
  const commands = block!.split('\n').filter((l) => l.trim() && !/^(cd |KEY=)/.test(l));
  t.true(commands.length >= 3);
  const r = await run('sh', ['-e', '-c', commands.join('\n')], { cwd: bundle, env: { ...process.env, KEY: trustedKey } });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is((r.stdout.match(/Signature Verified Successfully/g) ?? []).length, 2);
  const broken = await copyOfBundle();
  await flipByte(path.join(broken, (await manifestOf(broken)).segments[0]!.file));
  t.not((await run('sh', ['-e', '-c', commands.join('\n')], { cwd: broken, env: { ...process.env, KEY: trustedKey } })).code, 0);
});

test('the case file in the manifest: triggers, officer, documents, markers, segments per channel, journal', async (t) => {
  const m = await manifestOf(bundle);
  t.is(m.format, 'casecam-bundle/2');
  t.is(m.case.id, CASE_ID);
  t.is(m.case.kind, 'permit-counter');
  t.is(m.case.openTrigger.type, 'application.accepted');
  t.is(m.case.openTrigger.source, 'test');
  t.is(m.case.closeTrigger?.type, 'documents.served');
  t.deepEqual(m.case.documentsServed, ['DOC-1']);
  t.deepEqual(m.case.officers, ['OFC-7']);
  t.is(m.exportedBy, 'officer 7');
  t.deepEqual([...new Set(m.segments.map((s) => s.channel))], ['cam1', 'cam2']);
  t.true(m.segments.length >= 6);
  t.is(m.device.keyFingerprint, deviceFingerprint);
  const types = m.journal.entries.map((e) => e.type);
  for (const ty of ['case.opened', 'segment.sealed', 'case.closing', 'case.closed', 'case.export.started']) t.true(types.includes(ty), ty);
  t.is(m.journal.head.seq, m.journal.entries.at(-1)!.seq);
  t.true(m.gpsTrack.length >= 4, `GPS fixes: ${m.gpsTrack.length}`);
  for (const f of m.gpsTrack) t.true(f.at >= m.case.windowStart && f.at <= m.case.windowEnd!);
});

test('the continuous file per channel is a stream copy of its segments (same codecs, every packet)', async (t) => {
  const m = await manifestOf(bundle);
  const probe = async (file: string) => {
    const r = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_name,nb_read_packets', '-of', 'csv=p=0', path.join(bundle, file)]);
    return r.stdout.trim().split('\n').map((l) => l.split(','));
  };
  t.is(m.continuous.length, 2);
  for (const c of m.continuous) {
    t.regex(c.method, /stream copy/);
    const whole = await probe(c.file);
    const parts = await Promise.all(m.segments.filter((s) => s.channel === c.channel).map((s) => probe(s.file)));
    t.deepEqual(whole.map((s) => s[0]), ['h264', 'pcm_s16le']);
    for (let i = 0; i < whole.length; i++) {
      t.is(Number(whole[i]![1]), parts.reduce((n, p) => n + Number(p[i]![1]), 0), `${c.channel} stream ${i}: packets`);
    }
  }
});

test('any changed byte in any file of the bundle is caught', async (t) => {
  const files = await allFiles(bundle);
  t.true(files.length >= 10);
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(
      files.slice(i, i + 4).map(async (f) => {
        const dir = await copyOfBundle();
        await flipByte(path.join(dir, f));
        const r = await cli('verify', dir, '--key', trustedKey);
        t.is(r.code, 1, `a changed byte in ${f} went unnoticed`);
        await rm(dir, { recursive: true });
      }),
    );
  }
});

test('a changed segment: its content and SHA-256 differ; sha256sum -c fails too', async (t) => {
  const dir = await copyOfBundle();
  const seg = (await manifestOf(dir)).segments[1]!.file;
  await flipByte(path.join(dir, seg));
  await rejected(t, dir, new RegExp(`${seg}: content changed`));
  const sums = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
  t.not(sums.code, 0);
  t.regex(sums.stdout, new RegExp(`${seg}: FAILED`));
});

test('a missing segment is caught', async (t) => {
  const dir = await copyOfBundle();
  const seg = (await manifestOf(dir)).segments[2]!.file;
  await unlink(path.join(dir, seg));
  await rejected(t, dir, new RegExp(`${seg}: missing`));
});

test('an added segment is caught', async (t) => {
  const dir = await copyOfBundle();
  const seg = (await manifestOf(dir)).segments[0]!;
  const extra = path.posix.join('media', seg.channel, `${seg.channel}_1999999999999_00000.mkv`);
  await copyFile(path.join(dir, seg.file), path.join(dir, extra));
  await rejected(t, dir, new RegExp(`${extra}: not listed in the manifest \\(added\\)`));
});

test('reordered segments (three rotated) are caught, each naming whose bytes it holds', async (t) => {
  const dir = await copyOfBundle();
  const [a, b, c] = (await manifestOf(dir)).segments.filter((s) => s.channel === 'cam1').map((s) => path.join(dir, s.file));
  await rename(a!, `${a}.x`);
  await rename(c!, a!);
  await rename(b!, c!);
  await rename(`${a}.x`, b!);
  const r = await cli('verify', dir, '--key', trustedKey);
  t.is(r.code, 1);
  t.is((r.stderr.match(/holds the bytes of .* \(segments swapped or reordered\)/g) ?? []).length, 3, r.stderr);
});

test('two swapped segments are caught', async (t) => {
  const dir = await copyOfBundle();
  const m = await manifestOf(dir);
  const a = m.segments.find((s) => s.channel === 'cam1')!.file;
  const b = m.segments.find((s) => s.channel === 'cam2')!.file;
  await rename(path.join(dir, a), path.join(dir, 'tmp'));
  await rename(path.join(dir, b), path.join(dir, a));
  await rename(path.join(dir, 'tmp'), path.join(dir, b));
  await rejected(t, dir, new RegExp(`${a}: holds the bytes of ${b} \\(segments swapped or reordered\\)`));
});

test('an edited manifest is caught by its signature (casecam and openssl), and by SHA256SUMS', async (t) => {
  const dir = await copyOfBundle();
  const file = path.join(dir, 'manifest.json');
  await writeFile(file, (await readFile(file, 'utf8')).replace('"OFC-7"', '"OFC-8"'));
  await rejected(t, dir, /manifest\.json: the signature in manifest\.sig does not verify/);
  await rejected(t, dir, /SHA256SUMS does not list exactly the files and hashes of the manifest/);
  const o = await run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', trustedKey, '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'], { cwd: dir });
  t.not(o.code, 0);
  const sums = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
  t.regex(sums.stdout, /manifest\.json: FAILED/);
});

/** What a forger with their own key can do: edit the manifest and sign everything again (or the device itself, with `key`). */
async function resign(dir: string, edit: (m: Manifest) => void, key?: { privateKey: KeyObject; publicKey: KeyObject }): Promise<string> {
  const { privateKey, publicKey } = key ?? generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const m = await manifestOf(dir);
  edit(m);
  m.device.keyFingerprint = keyFingerprint(publicKey);
  const bytes = Buffer.from(JSON.stringify(m, null, 2) + '\n');
  const sums = Buffer.from(sumsText(sha256Hex(bytes), sha256Hex(pem), m));
  await writeFile(path.join(dir, 'manifest.json'), bytes);
  await writeFile(path.join(dir, 'manifest.sig'), sign(null, bytes, privateKey));
  await writeFile(path.join(dir, 'device.pub.pem'), pem);
  await writeFile(path.join(dir, 'SHA256SUMS'), sums);
  await writeFile(path.join(dir, 'SHA256SUMS.sig'), sign(null, sums, privateKey));
  return keyFingerprint(publicKey);
}

test('the storage category is in the signed manifest and verify shows it; a bundle made before it (no category) still verifies', async (t) => {
  const m = await manifestOf(bundle);
  t.is(m.case.category, 'permit-counter', 'a counter case: its kind, as offload.categories does not map it');
  const shown = await cli('verify', bundle, '--key', trustedKey);
  t.regex(shown.stdout, /^category: permit-counter$/m);
  // Covered by the signature: a routine case cannot be relabelled (e.g. to lose or gain a hold) after signing.
  const relabelled = await copyOfBundle();
  const file = path.join(relabelled, 'manifest.json');
  await writeFile(file, (await readFile(file, 'utf8')).replace('"category": "permit-counter"', '"category": "incident"'));
  t.is((await manifestOf(relabelled)).case.category, 'incident');
  await rejected(t, relabelled, /manifest\.json: the signature in manifest\.sig does not verify/);
  // An older bundle: the same case signed by the device without the field.
  const older = await copyOfBundle();
  const privateKey = createPrivateKey(await readFile(path.join(root, 'data', 'keys', 'device.key')));
  await resign(older, (x) => delete x.case.category, { privateKey, publicKey: createPublicKey(privateKey) });
  t.false('category' in (await manifestOf(older)).case);
  const r = await cli('verify', older, '--key', trustedKey);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /key pinned/);
  t.regex(r.stdout, /category: not named/);
});

test('a bundle re-signed with another key is rejected when the device key is pinned; unpinned, verify says so', async (t) => {
  const dir = await copyOfBundle();
  const forger = await resign(dir, (m) => {
    m.case.officers = ['SOMEONE-ELSE'];
  });
  await rejected(t, dir, new RegExp(`signed with key ${forger}, not the pinned device key ${deviceFingerprint}`));
  await rejected(t, dir, /signature in manifest\.sig does not verify with the pinned key/);
  const unpinned = await cli('verify', dir);
  t.is(unpinned.code, 0, unpinned.stderr);
  t.regex(unpinned.stdout, new RegExp(`key NOT pinned: .*fingerprint ${forger}`));
  t.notRegex(unpinned.stdout, new RegExp(deviceFingerprint));
});

test('a segment cut out of a re-signed manifest shows in the numbering even without a pinned key', async (t) => {
  const dir = await copyOfBundle();
  const m0 = await manifestOf(dir);
  const victim = m0.segments.filter((s) => s.channel === 'cam1')[2]!;
  await unlink(path.join(dir, victim.file));
  await resign(dir, (m) => {
    m.segments = m.segments.filter((s) => s.file !== victim.file);
  });
  await rejected(t, dir, /cam1: segment .* is listed at position 2 but numbered 3 \(segments removed or reordered\)/, { pinned: false });
});

/** verify as a child process, bounded: a hang is a failure, not a stuck suite. */
function verifyBounded(dir: string): Promise<{ code: number | string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'verify', dir, '--key', trustedKey], { timeout: 60_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      const code = err ? ((err as { killed?: boolean }).killed ? 'killed (hung)' : ((err as { code?: number }).code ?? 1)) : 0;
      resolve({ code, stderr, ms: Date.now() - t0 });
    });
  });
}

test('a segment replaced by a symlink, even to an identical copy outside the bundle, is refused, not followed', async (t) => {
  const dir = await copyOfBundle();
  const seg = (await manifestOf(dir)).segments[0]!.file;
  const outside = path.join(root, 'outside-copy.mkv');
  await copyFile(path.join(dir, seg), outside);
  await unlink(path.join(dir, seg));
  await symlink(outside, path.join(dir, seg));
  const r = await verifyBounded(dir);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, new RegExp(`${seg}: a symbolic link, not allowed in a bundle \\(only regular files\\)`));
  t.regex(r.stderr, /NOT intact/);
});

test('media/ replaced by a symlink to an identical copy is refused', async (t) => {
  const dir = await copyOfBundle();
  const elsewhere = path.join(root, `media-elsewhere-${copies}`);
  await cp(path.join(dir, 'media'), elsewhere, { recursive: true });
  await rm(path.join(dir, 'media'), { recursive: true });
  await symlink(elsewhere, path.join(dir, 'media'));
  const r = await verifyBounded(dir);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /media: a symbolic link, not allowed in a bundle/);
});

test('a symlink to /dev/zero and a FIFO do not hang verify: each is named and refused', async (t) => {
  const dir = await copyOfBundle();
  const seg = (await manifestOf(dir)).segments[1]!.file;
  await unlink(path.join(dir, seg));
  await symlink('/dev/zero', path.join(dir, seg));
  await unlink(path.join(dir, 'manifest.sig'));
  await promisify(execFile)('mkfifo', [path.join(dir, 'manifest.sig')]);
  const extra = path.join(dir, 'media', 'zero.mkv');
  await symlink('/dev/zero', extra);
  const r = await verifyBounded(dir);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, new RegExp(`${seg}: a symbolic link, not allowed`));
  t.regex(r.stderr, /manifest\.sig: a FIFO, not allowed in a bundle/);
  t.regex(r.stderr, /media\/zero\.mkv: a symbolic link, not allowed/);
});

test.serial('case export onto an existing file is refused before anything is read or journaled, with a clear message', async (t) => {
  const data = path.join(root, 'data');
  const target = path.join(root, 'already-a-file');
  await writeFile(target, 'keep me');
  const before = (await cli('journal', 'list', '--data', data)).stdout.split('\n').length;
  const r = await cli('case', 'export', CASE_ID, '--data', data, '--out', target);
  t.not(r.code, 0);
  t.regex(r.stderr, /bundle path .*already-a-file exists and is not a directory: give a new path or an empty directory/);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.is(await readFile(target, 'utf8'), 'keep me');
  t.false((await readdir(root)).some((f) => f.includes('.partial')), 'no half bundle left');
  const journal = (await cli('journal', 'list', '--data', data)).stdout;
  t.is(journal.split('\n').length, before, `nothing journaled: ${journal.split('\n').slice(before - 1).join('\n')}`);
});

test.serial('case export under /proc is refused at once with the path named', async (t) => {
  const r = await cli('case', 'export', CASE_ID, '--data', path.join(root, 'data'), '--out', '/proc/self/casecam-bundle');
  t.not(r.code, 0);
  t.regex(r.stderr, /bundle path: "\/proc\/self\/casecam-bundle" is under \/proc/);
});

test.serial('an exported bundle is private to the service user (directories 0700, files 0600)', async (t) => {
  const check = async (dir: string): Promise<void> => {
    t.is((await stat(dir)).mode & 0o777, 0o700, dir);
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await check(p);
      else t.is((await stat(p)).mode & 0o777, 0o600, p);
    }
  };
  await check(bundle);
});
