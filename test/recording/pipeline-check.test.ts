/**
 * Values only GStreamer can judge are checked at start, before the service reports
 * started: the config is refused naming the channel and the parameter. A camera that
 * is missing at start is not a config error (the dead-camera path).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildService } from '../../src/service/build-service.js';
import { tempDir, testConfig } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function withParams(dir: string, params: Array<Record<string, string | number>>, extra: unknown[] = []) {
  const base = testConfig(dir, { channels: params.length });
  return parseConfig({ ...base, channels: [...base.channels.map((c, i) => ({ ...c, params: { ...c.params, ...params[i] } })), ...extra] });
}

test('casecam run refuses fps "abc" before it reports started, naming the channel and the parameter', async (t) => {
  const dir = await tempDir('casecam-pcheck-cli-');
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(withParams(path.join(dir, 'data'), [{ fps: 'abc' }])));
  const r = await new Promise<{ code: number | string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'run', '--config', file], { timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, CASECAM_LOG_JSON: '1' } }, (err, _o, stderr) =>
      resolve({ code: err ? ((err as { killed?: boolean }).killed ? 'still running after 60 s' : ((err as { code?: number }).code ?? 1)) : 0, stderr }),
    );
  });
  t.is(r.code, 1, r.stderr.slice(-1500));
  t.regex(r.stderr, /casecam run: channels\[0\]\.params\.fps: "abc" \(channel cam1\) is refused by GStreamer/);
  t.notRegex(r.stderr, /recorder started/);
});

test('a test pattern that does not exist is refused on the channel that has it; nothing is started or written', async (t) => {
  const dir = await tempDir('casecam-pcheck-');
  const data = path.join(dir, 'data');
  const err = await t.throwsAsync(buildService(withParams(data, [{}, { pattern: 'no-such-pattern' }]), { log: silentLogger() }));
  t.regex(err!.message, /channels\[1\]\.params\.pattern: "no-such-pattern" \(channel cam2\) is refused by GStreamer: .*pattern/);
  t.notRegex(err!.message, /channels\[0\]/);
  await t.throwsAsync(access(data), undefined, 'the data directory was not even made');
});

test('a camera missing at start is the dead-camera path, not a config error', async (t) => {
  const dir = await tempDir('casecam-pcheck-dead-');
  const r = await buildService(withParams(path.join(dir, 'data'), [{}], [{ id: 'dead', template: 'v4l2-x264', params: { device: '/dev/casecam-no-such-camera' } }]), {
    log: silentLogger(),
  });
  await r.start();
  t.teardown(() => r.stop());
  t.deepEqual(r.supervisors.map((s) => s.channel), ['cam1', 'dead']);
});
