/**
 * Evidence is not for other local users, and a ring path may hold a space: the demo
 * (a real recording, sealing and export through the CLI) runs in a data directory
 * whose name has a space and whose key directory someone made 0777.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const UNIT = fileURLToPath(new URL('../../../hw/systemd/casecam.service', import.meta.url));

function casecam(args: string[], timeout: number): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { killed?: boolean }).killed ? 'timed out' : ((err as { code?: number }).code ?? 1)) : 0, stdout, stderr });
    });
  });
}

/** Every directory and file under `dir` with group or other bits set. */
async function open(dir: string): Promise<string[]> {
  const out: string[] = [];
  const mode = (await stat(dir)).mode & 0o777;
  if (mode & 0o077) out.push(`${dir} ${mode.toString(8)}`);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await open(p)));
    else if (e.isFile() && (await stat(p)).mode & 0o077) out.push(`${p} ${((await stat(p)).mode & 0o777).toString(8)}`);
  }
  return out;
}

test('a real recording in a data directory with a space: ring, evidence, database, keys and bundle are private; a 0777 key directory is narrowed and journaled', async (t) => {
  const root = await tempDir('casecam-modes-');
  const data = path.join(root, 'data dir');
  await mkdir(path.join(data, 'keys'), { recursive: true });
  await chmod(path.join(data, 'keys'), 0o777);
  const bundle = path.join(root, 'bundle');
  const r = await casecam(['demo', '--data', data, '--out', bundle, '--json'], 180_000);
  t.is(r.code, 0, r.stderr.slice(-2000));
  const result = JSON.parse(r.stdout) as { ok: boolean; segments: number };
  t.true(result.ok, r.stdout);
  t.true(result.segments > 0, 'segments were recorded through the ring path with a space');
  for (const sub of ['ring', 'evidence', 'db', 'keys']) {
    // The public key is 0644 on purpose (it is public); its 0700 directory still keeps it to the user.
    t.deepEqual((await open(path.join(data, sub))).filter((f) => !/device\.pub\.pem 644$/.test(f)), [], `${sub} is private`);
  }
  t.is((await stat(path.join(data, 'keys'))).mode & 0o777, 0o700);
  t.deepEqual(await open(bundle), [], 'the bundle is private');
  t.true((await readdir(path.join(data, 'evidence'), { recursive: true })).some((f) => String(f).endsWith('.mkv')), 'sealed segments exist');
  const journal = await casecam(['journal', 'list', '--data', data], 30_000);
  t.regex(journal.stdout, /device\.key\.mode\.narrowed.*"path":"keyDir".*"was":"0777"/);
});

test('the systemd unit keeps files private (UMask, StateDirectoryMode, RuntimeDirectoryMode)', async (t) => {
  const unit = await readFile(UNIT, 'utf8');
  t.regex(unit, /^UMask=0077$/m);
  t.regex(unit, /^StateDirectoryMode=0700$/m);
  t.regex(unit, /^RuntimeDirectoryMode=0700$/m);
});
