/**
 * The quality report of a case whose media worker was killed in the middle: the report
 * shows the gap with its cause and coverage under 100 %; the bundle carries quality.json
 * and report.html under SHA256SUMS and still verifies; report.html, opened in Debian's
 * chromium (headless, screenshot taken), shows the same figures as quality.json; and
 * `casecam case report` prints the same report from the store.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import type { GapEvent } from '../../src/core/events.js';
import { exportBundle } from '../../src/export/bundle-export.js';
import { verifyBundle } from '../../src/export/bundle-verify.js';
import { QualityReportSchema, type QualityReport } from '../../src/quality/quality-schema.js';
import { fmt } from '../../src/quality/quality-html.js';
import { sleep, tempDir, testConfig, waitFor } from '../helpers/test-config.js';
import { waitClosed } from '../helpers/case-media.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(cmd: string, args: string[], timeout = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every `data-figure` in the page as chromium rendered it (its DOM after loading). */
function figures(dom: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of dom.matchAll(/data-figure="([^"]+)">([^<]*)</g)) out.set(m[1]!, m[2]!);
  return out;
}

function expectedFigures(q: QualityReport): Map<string, string> {
  const m = new Map<string, string>([
    ['score.value', fmt(q.score.value)],
    ['score.grade', q.score.grade],
    ['window.seconds', fmt(q.window.seconds)],
    ['durationSeconds', fmt(q.durationSeconds)],
    ['markers.length', String(q.markers.length)],
    ['gps.fixes', String(q.gps.fixes)],
    ['gps.coveragePercent', fmt(q.gps.coveragePercent)],
    ['integrity.segmentsChecked', String(q.integrity.segmentsChecked)],
    ['integrity.hashMismatches.length', String(q.integrity.hashMismatches.length)],
    ['integrity.journalEntries', String(q.integrity.journalEntries)],
    ['integrity.journalBroken.length', String(q.integrity.journalBroken.length)],
    ['offload.state', q.offload.state],
  ]);
  q.channels.forEach((ch, i) => {
    m.set(`channels.${i}.coveragePercent`, fmt(ch.coveragePercent));
    m.set(`channels.${i}.recordedSeconds`, fmt(ch.recordedSeconds));
    m.set(`channels.${i}.gaps.length`, String(ch.gaps.length));
    m.set(`channels.${i}.preRecordPercent`, fmt(ch.preRecordPercent));
    m.set(`channels.${i}.postRecordPercent`, fmt(ch.postRecordPercent));
  });
  return m;
}

test('a killed worker: the report shows the gap and its cause, coverage under 100 %, and report.html shows what quality.json says', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 2, postRecordSeconds: 1 });
  const app = await buildService(config, { log: silentLogger() });
  const gaps: GapEvent[] = [];
  app.bus.on('recording.gap', (g) => void gaps.push(g));
  await app.start();
  let stopped = false;
  t.teardown(() => (stopped ? undefined : app.stop()));
  const rec = app;
  await waitFor(() => rec.state().channels[0]!.ok, 20_000, 'cam1 recording');
  await sleep(2500); // the pre-record time is in the ring
  const { caseId } = await rec.sessions.open({ caseId: '淮交罚〔2018〕86号', trigger: 'application.accepted', source: 'test' });
  await rec.sessions.marker({ caseId, type: 'inquiry', source: 'test' });
  await sleep(3000);
  process.kill(rec.supervisors[0]!.pid!, 'SIGKILL');
  const gap = await waitFor(() => gaps[0], 20_000, 'the gap after the kill');
  await sleep(2500);
  await rec.sessions.close({ caseId, trigger: 'documents.served', source: 'test' });
  await waitClosed(rec, caseId, 30_000);

  const out = path.join(dir, 'bundle');
  await exportBundle({ store: rec.store, journal: rec.journal, key: rec.deviceKey, evidenceDir: rec.paths.evidenceDir, caseId, outDir: out, operator: 'test', via: 'test' });
  await app.stop();
  stopped = true;

  const q = QualityReportSchema.parse(JSON.parse(await readFile(path.join(out, 'quality.json'), 'utf8')));
  const ch = q.channels.find((c) => c.id === 'cam1')!;
  t.true(ch.coveragePercent < 100, `coverage ${ch.coveragePercent} %`);
  t.true(ch.coveragePercent > 50, `coverage ${ch.coveragePercent} %`);
  const shown = ch.gaps.find((g) => /SIGKILL/.test(g.cause));
  t.truthy(shown, `the killed worker's gap is listed with its cause: ${JSON.stringify(ch.gaps)}`);
  t.is(shown!.from, new Date(gap.from).toISOString());
  t.true(q.score.value < 100);
  t.true(q.score.deductions.some((d) => d.rule.startsWith('coverage cam1')));
  t.is(ch.watermark, true);
  t.is(ch.preRecordPercent !== null && ch.preRecordPercent >= 90, true, `pre-record ${ch.preRecordPercent}`);
  t.is(q.markers.length, 1);
  t.true(q.alarms.some((a) => a.kind === 'video.lost' && a.subject === 'cam1' && !a.open), 'video.lost interval in the report');
  t.is(q.integrity.hashMismatches.length, 0);
  t.true(q.integrity.segmentsChecked >= 4);

  // The media-health tap must not change what is recorded: colour video, not the probe's grey.
  const seg = q.integrity.segmentsChecked > 0 ? (await readFile(path.join(out, 'SHA256SUMS'), 'utf8')).match(/ {2}(media\/cam1\/[^\n]+\.mkv)/)![1]! : '';
  const pix = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', path.join(out, seg)]);
  t.is(pix.stdout.trim(), 'yuv420p');

  // The bundle: reports listed under SHA256SUMS, and it verifies, inside and with sha256sum.
  const sums = await readFile(path.join(out, 'SHA256SUMS'), 'utf8');
  t.regex(sums, / {2}quality\.json\n/);
  t.regex(sums, / {2}report\.html\n/);
  const v = await verifyBundle(out);
  t.deepEqual(v.problems, []);
  const sha = await new Promise<number>((resolve) => execFile('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: out }, (err) => resolve(err ? 1 : 0)));
  t.is(sha, 0);

  // report.html in chromium: a screenshot, and the rendered DOM's figures equal quality.json's.
  const html = await readFile(path.join(out, 'report.html'), 'utf8');
  t.false(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i.test(html), 'no scripts and no network resources');
  const url = `file://${path.join(out, 'report.html')}`;
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${path.join(dir, 'chromium')}`];
  const png = path.join(dir, 'report.png');
  const shot = await run('chromium', [...flags, `--screenshot=${png}`, '--window-size=1000,900', url]);
  t.true((await stat(png)).size > 5000, `screenshot taken (${shot.stderr.split('\n').slice(-3).join(' ')})`);
  const dom = await run('chromium', [...flags, '--dump-dom', url]);
  t.is(dom.code, 0);
  const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  t.deepEqual(sorted(figures(dom.stdout)), sorted(expectedFigures(q)));
  t.regex(dom.stdout, /<svg[^>]*>.*<rect/s);

  // casecam case report prints the same figures from the store.
  const cli = await run('node', [CLI, 'case', 'report', caseId, '--data', dir, '--json']);
  t.is(cli.code, 0, cli.stderr);
  const fromStore = QualityReportSchema.parse(JSON.parse(cli.stdout));
  t.deepEqual(fromStore.channels, q.channels);
  t.is(fromStore.score.value, q.score.value);
  t.is(fromStore.integrity.segmentsChecked, q.integrity.segmentsChecked);
});
