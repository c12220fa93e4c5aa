/** Small, fast configurations for tests: low resolution test sources in a temp dir. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Config, StorageConfig } from '../../src/config/schema.js';

export async function tempDir(prefix = 'casecam-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export function testConfig(
  dataDir: string,
  opts: {
    channels?: number;
    preRecordSeconds?: number;
    postRecordSeconds?: number;
    segmentSeconds?: number;
    deviceId?: string;
    storage?: Partial<StorageConfig>;
  } = {},
): Config {
  const n = opts.channels ?? 1;
  return parseConfig({
    deviceId: opts.deviceId ?? 'TEST-BOX-1',
    kind: 'counter',
    officerId: 'OFC-7',
    site: 'Test window',
    channels: Array.from({ length: n }, (_, i) => ({
      id: `cam${i + 1}`,
      template: 'test-av',
      params: { width: 160, height: 120, bitrate: 200, pattern: i === 0 ? 'smpte' : 'ball' },
    })),
    recording: { preRecordSeconds: opts.preRecordSeconds ?? 4, postRecordSeconds: opts.postRecordSeconds ?? 1, segmentSeconds: opts.segmentSeconds },
    storage: opts.storage,
    supervisor: { restartInitialMs: 200 },
    // The start-of-duty self-check (4 MiB written and fsynced, a 5 s watch) is tested on its own: test/quality/selfcheck.test.ts.
    selfcheck: { atStart: false },
    paths: { dataDir },
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for something that must happen: polls `check` every 100 ms until it returns a
 * value. The bound is at least 30 s whatever `ms` says (the figure a caller names is
 * what is expected on an idle machine; a busy 2-core machine can take much longer, and a
 * bound only decides how long a failing test takes).
 */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  ms = Math.max(ms, 30_000);
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
