/**
 * `casecam case show` and `case list` for people: local times (the offset named),
 * durations, segments per channel, gaps with causes, markers and the coverage verdict;
 * `--json` for machines. A store written directly (rows only: no media is read).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.js';
import { silentLogger } from '../../src/core/logger.js';
import type { CaseRecord, SegmentRecord } from '../../src/store/records.js';
import { tempDir } from '../helpers/test-config.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// 2026-11-28 18:00:00 in Asia/Shanghai (UTC+08:00, no daylight saving).
const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);

function casecam(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, TZ: 'Asia/Shanghai' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function seed(dir: string): Promise<void> {
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  const c: CaseRecord = {
    id: '淮交罚〔2026〕86号',
    kind: 'permit-counter',
    status: 'closed',
    deviceId: 'BOX-1',
    site: 'window 3',
    officerIds: ['OFF-7'],
    openTrigger: { type: 'application.accepted', source: 'mqtt', at: T0 + 30_000, by: 'OFF-7' },
    closeTrigger: { type: 'documents.served', source: 'mqtt', at: T0 + 90_000, documents: ['DOC-1'] },
    windowStart: T0,
    windowEnd: T0 + 92_000,
    markers: [{ at: T0 + 60_000, type: 'inquiry', note: 'applicant questioned', by: 'OFF-7' }],
    gaps: [{ channel: 'cam1', from: T0, to: T0 + 18_700, cause: 'not recording: service started at 2026-11-28T09:59:50.000Z, media began at 2026-11-28T10:00:18.700Z' }],
    closedAt: T0 + 93_000,
  };
  await store.cases.put(c.id, c);
  for (let i = 0; i < 4; i++) {
    const start = T0 + 18_700 + i * 20_000;
    const seg: SegmentRecord = {
      id: `cam1_1_${i}`,
      channel: 'cam1',
      file: `2026-11-28/cam1_1_${i}.mkv`,
      start,
      end: Math.min(start + 20_000, T0 + 92_000),
      bytes: 1_000_000,
      sha256: '0'.repeat(64),
      runningStartNs: '0',
      sealedAt: T0 + 100_000,
      caseIds: [c.id],
      partial: i === 3 ? true : undefined,
    };
    await store.segments.put(seg.id, seg);
    await store.caseSegments.put(Store.caseSegmentKey(c.id, seg.id), { caseId: c.id, segmentId: seg.id, channel: 'cam1', start });
  }
  await store.close();
}

test('case show prints a readable summary in local time; --json keeps the machine form', async (t) => {
  const dir = await tempDir();
  await seed(dir);
  const shown = await casecam(['case', 'show', '淮交罚〔2026〕86号', '--data', dir]);
  t.is(shown.code, 0, shown.stderr);
  const text = shown.stdout;
  t.false(text.trimStart().startsWith('{'), 'not JSON');
  t.regex(text, /^case 淮交罚〔2026〕86号 {2}\(permit-counter, closed\)/);
  t.regex(text, /opened +2026-11-28 18:00:30\.000 {2}application\.accepted via mqtt, by OFF-7/);
  t.regex(text, /window +2026-11-28 18:00:00\.000 → 2026-11-28 18:01:32\.000 {2}\(1 min 32\.0 s\)/);
  t.regex(text, /NOT complete: 1 gap, 18\.7 s without media/);
  t.regex(text, /every second of the window is media or an explained gap/);
  t.regex(text, /cam1 +4 files +2026-11-28 18:00:18\.700 → 2026-11-28 18:01:32\.000 +\(1 min 13\.3 s\) +3\.8 MiB, 1 partial/);
  t.regex(text, /gaps \(1\)\n {2}cam1 {2}2026-11-28 18:00:00\.000 → 2026-11-28 18:00:18\.700 {2}\(18\.7 s\) {2}not recording: service started at/);
  t.regex(text, /markers \(1\)\n {2}2026-11-28 18:01:00\.000 {2}inquiry: applicant questioned {2}by OFF-7/);
  t.regex(text, /times are local \(UTC\+08:00\)/);

  const json = await casecam(['case', 'show', '淮交罚〔2026〕86号', '--data', dir, '--json']);
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { id: string; windowStart: number; segments: unknown[]; coverage: { ok: boolean; complete: boolean } };
  t.is(parsed.windowStart, T0);
  t.is(parsed.segments.length, 4);
  t.deepEqual([parsed.coverage.ok, parsed.coverage.complete], [true, false]);
});

test('case list prints a table with local times and lengths; --json keeps ISO times', async (t) => {
  const dir = await tempDir();
  await seed(dir);
  const listed = await casecam(['case', 'list', '--data', dir]);
  t.is(listed.code, 0, listed.stderr);
  const lines = listed.stdout.split('\n');
  t.regex(lines[0]!, /^ID +STATUS +OPENED +LENGTH +SEGMENTS +GAPS +KIND$/);
  t.regex(lines[1]!, /^淮交罚〔2026〕86号 +closed +2026-11-28 18:00:30\.000 +1 min 32\.0 s +4 +1 +permit-counter$/);
  t.regex(listed.stdout, /times are local \(UTC\+08:00\)/);
  const json = JSON.parse((await casecam(['case', 'list', '--data', dir, '--json'])).stdout) as Array<{ id: string; opened: string }>;
  t.deepEqual(json.map((r) => [r.id, r.opened]), [['淮交罚〔2026〕86号', '2026-11-28T10:00:30.000Z']]);
});
