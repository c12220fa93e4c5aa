/** The ring forgets unclaimed footage; SIGTERM seals what is open and stops cleanly. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import type { GapEvent } from '../../src/core/events.js';
import { Store } from '../../src/store/store.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('unclaimed segments age out of the ring and nothing is sealed without a case', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 2 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const counts: number[] = [];
  let ring: string[] = [];
  for (let i = 0; i < 8; i++) {
    await sleep(2000);
    ring = (await readdir(path.join(dir, 'ring'))).filter((f) => f.endsWith('.mkv'));
    counts.push(ring.length);
  }
  // Kept: 2 s pre-record + 2 segments of margin (up to 4 files overlapping 6 s), the one
  // being written, and one awaiting the 2 s prune tick. 16 s of recording is 8 segments.
  t.true(Math.max(...counts) <= 6, `ring sizes every 2 s: ${counts.join(', ')}`);
  t.true(Math.min(...counts.slice(4)) >= 2, 'the pre-record window stays in the ring');
  t.deepEqual(await readdir(path.join(dir, 'evidence')), []);
  // The file of a just-opened segment may exist a moment before its row.
  const rows = (await app.store.ring.values()).length;
  t.true(Math.abs(rows - ring.length) <= 1, `ring table (${rows}) and ring directory (${ring.length}) agree`);
});

test('SIGTERM stops the service cleanly; the next start records the stop as a gap with its cause', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 2 });
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  const child = spawn('node', [CLI, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CASECAM_LOG_JSON: '1' } });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(() => log.includes('media worker started'), 15_000, 'the service to start');
  await sleep(5000);
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, log);
  t.true(Date.now() - stoppedAt < 10_000, 'stopped within 10 s');

  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  t.true((await store.getMeta()).cleanShutdown);
  await store.close();

  const app = await buildService(config, { log: silentLogger() });
  const gaps: GapEvent[] = [];
  app.bus.on('recording.gap', (g) => void gaps.push(g));
  await app.start();
  t.teardown(() => app.stop());
  t.true(app.recovery!.cleanShutdown);
  t.deepEqual(app.recovery!.partialSegments, [], 'EOS closed the last segment: nothing partial');
  const gap = await waitFor(() => gaps[0], 10_000, 'the restart gap');
  t.is(gap.cause, 'service was stopped');
});

test('a case whose post-record time has passed is closed by the stop, not left closing', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 0, postRecordSeconds: 1 });
  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  await sleep(2000);
  const { caseId } = await app.sessions.open({ trigger: 'application.accepted', source: 'test' });
  await sleep(2000);
  const { windowEnd } = await app.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  // Past the window's end, but before the segment holding it has closed (2 s segments).
  await waitFor(() => Date.now() > windowEnd + 100, 5000, 'the post-record time to pass');
  await app.stop();
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  t.teardown(() => store.close());
  const c = (await store.cases.get(caseId))!;
  t.is(c.status, 'closed');
  t.deepEqual(c.gaps, []);
});
