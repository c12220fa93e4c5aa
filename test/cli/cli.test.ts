/** The command line as an operator meets it: help, one-line errors, the demo end to end. */
import test from 'ava';
import { execFile } from 'node:child_process';
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function casecam(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { timeout, env: { ...process.env, CASECAM_LOG_JSON: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('every command has --help', async (t) => {
  const top = await casecam(['--help']);
  t.is(top.code, 0);
  for (const cmd of ['run', 'demo', 'case', 'verify', 'broker']) {
    t.regex(top.stdout, new RegExp(`\\b${cmd}\\b`));
    const r = await casecam([cmd, '--help']);
    t.is(r.code, 0, cmd);
    t.regex(r.stdout, new RegExp(`usage: casecam ${cmd}`), cmd);
  }
});

test('errors are one line on stderr and a non-zero exit', async (t) => {
  const dir = await tempDir();
  const bad = path.join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ deviceId: 'X', kind: 'bus', channels: [] }));
  for (const [args, pattern] of [
    [['nosuch'], /unknown command "nosuch"/],
    [['run'], /give --config FILE, or --simulate/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--config', bad], /kind: .*"vehicle"\|"counter"|kind: Invalid option/],
    [['run', '--config', path.join(dir, 'missing.json')], /cannot read config file/],
    [['case', 'export', '../x', '--data', dir, '--out', path.join(dir, 'o')], /case ID/],
    [['verify'], /expected one BUNDLE/],
  ] as Array<[string[], RegExp]>) {
    const r = await casecam(args);
    t.not(r.code, 0, args.join(' '));
    t.regex(r.stderr, pattern, args.join(' '));
    t.is(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
  }
});

test('run --device-id is held to the config file\'s rule (it names MQTT topics and case IDs)', async (t) => {
  const dir = await tempDir();
  const good = path.join(dir, 'good.json');
  await writeFile(good, JSON.stringify({ deviceId: 'BOX-1', kind: 'counter', channels: [{ id: 'cam1', template: 'test-av' }], paths: { dataDir: path.join(dir, 'data') } }));
  // Without the check the service started with topics casecam/BOX/#/… (bounded here: 20 s).
  const r = await casecam(['run', '--config', good, '--device-id', 'BOX/#'], 20_000);
  t.is(r.code, 2, r.stderr.slice(-500));
  t.regex(r.stderr, /--device-id: letters, digits/);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('demo runs a counter case end to end, and verify catches a changed byte', async (t) => {
  const dir = await tempDir();
  const out = path.join(dir, 'bundle');
  const r = await casecam(['demo', '--data', path.join(dir, 'data'), '--out', out, '--json'], 90_000);
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { ok: boolean; caseId: string; segments: number; channels: string[] };
  t.true(result.ok);
  t.deepEqual(result.channels, ['cam1', 'cam2']);
  t.true(result.segments >= 8);
  const listed = await casecam(['case', 'list', '--data', path.join(dir, 'data')]);
  t.regex(listed.stdout, new RegExp(`${result.caseId} +closed`));
  t.is((await casecam(['verify', out])).code, 0);
  const media = path.join(out, 'media', 'cam1');
  const first = (await readdir(media))[0]!;
  await appendFile(path.join(media, first), Buffer.from([0]));
  const bad = await casecam(['verify', out]);
  t.not(bad.code, 0);
  t.regex(bad.stderr, new RegExp(first.replace('.', '\\.')));
});
