/**
 * The equipment archive from the recorded sequence (fixtures/board-sequence.jsonl) kept
 * in a real fleet LevelDB, exported and opened back: the XLSX with exceljs, the CSV parsed
 * (BOM, quoting, CRLF) — expected rows, statistics and Chinese intact. Also through the
 * real CLI (`casecam fleet export`, `fleet cases`, `fleet alarms`) as child processes.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { silentLogger } from '../../src/core/logger.js';
import { BoardModel } from '../../src/fleet/board-model.js';
import { FleetHistory } from '../../src/fleet/fleet-history.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { buildArchive } from '../../src/fleet/archive.js';
import { writeArchive } from '../../src/fleet/archive-export.js';

const run = promisify(execFile);
const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const sequence = readFileSync(new URL('../../../test/fleet/fixtures/board-sequence.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { at: number; topic: string; retain: boolean; text: string });
const T0 = sequence[0]!.at;
const CASE = '淮交罚〔2018〕86号';

async function filledStore(t: { teardown(fn: () => Promise<void>): void }): Promise<{ dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fleet-archive-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await FleetStore.open(dir, silentLogger());
  const history = new FleetHistory(store, silentLogger());
  await history.start();
  const model = new BoardModel();
  for (const m of sequence) history.record(model.applyRaw(m.topic, m.text, m.retain, m.at).facts);
  await history.stop();
  await store.close();
  return { dir };
}

/** RFC 4180 parse (quotes, doubled quotes, CRLF), enough to read our own CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

const PERIOD = { from: T0 - 60_000, to: T0 + 60_000 };

test('the archive has one row per device and statistics per unit and kind', async (t) => {
  const { dir } = await filledStore(t);
  const store = await FleetStore.open(dir, silentLogger());
  t.teardown(() => store.close());
  const a = await buildArchive(store, PERIOD.from, PERIOD.to);
  t.deepEqual(a.devices.map((d) => d.deviceId), ['V-001', 'C-002', 'C-003'], 'by unit, then device');
  const v = a.devices.find((d) => d.deviceId === 'V-001')!;
  t.like(v, { kind: 'vehicle', unit: '交警一大队', site: '南京南站 / 苏A·12345', serial: 'SN-V-001', firmware: 'fw-2.3.1', storageTotalGB: 512, storageFreeGB: 300, cameras: 'front, cabin', status: 'online', openAlarms: 0, cases: 1, casesWithGaps: 1 });
  t.is(v.hoursRecorded, Math.round((17_000 / 3_600_000) * 100) / 100);
  t.is(v.faults, 1, 'the gap is a fault; the operator incident alarm is not');
  t.is(v.pendingUpload, 0, 'the closed case was confirmed offloaded');
  t.is(v.lastOffload, new Date(T0 + 25_000).toISOString().replace('T', ' ').slice(0, 19));
  t.is(v.officerId, '警号 0371', 'the officer signed in, from the last state');
  const c2 = a.devices.find((d) => d.deviceId === 'C-002')!;
  // C-002 was online from T0 to T0+6 s, offline to T0+30 s, then online: of the 120 s period
  // from T0-60 s (first seen at T0) to T0+60 s, 6 s + 30 s online out of 60 s.
  t.is(c2.onlineRate, 0.6);
  const unit = a.stats.find((s) => s.by === 'unit' && s.name === '行政许可科')!;
  t.like(unit, { devices: 2, cases: 0, faults: 0, due: 0 });
  const vehicles = a.stats.find((s) => s.by === 'kind' && s.name === 'vehicle')!;
  t.like(vehicles, { devices: 1, cases: 1, casesWithGaps: 1, uploadCompletion: 1, faults: 1 });
});

test('XLSX opened back with exceljs: two sheets, Chinese headings and values intact', async (t) => {
  const { dir } = await filledStore(t);
  const store = await FleetStore.open(dir, silentLogger());
  const a = await buildArchive(store, PERIOD.from, PERIOD.to);
  await store.close();
  const file = path.join(dir, 'archive.xlsx');
  await writeArchive(a, 'xlsx', file, 'zh');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  t.deepEqual(wb.worksheets.map((w) => w.name), ['设备档案', '统计']);
  const ws = wb.worksheets[0]!;
  t.is(ws.rowCount, 4);
  const head = (ws.getRow(1).values as unknown[]).slice(1);
  t.is(head[0], '设备编号');
  t.is(head[5], '站点/车牌');
  const rows = [2, 3, 4].map((i) => (ws.getRow(i).values as unknown[]).slice(1));
  const v = rows.find((r) => r[0] === 'V-001')!;
  t.is(v[4], '交警一大队');
  t.is(v[5], '南京南站 / 苏A·12345');
  t.is(v[9], 512, 'numbers stay numbers');
  const stats = wb.worksheets[1]!;
  t.is((stats.getRow(1).values as unknown[])[2], '名称');
  const names = [];
  for (let i = 2; i <= stats.rowCount; i++) names.push(`${(stats.getRow(i).values as string[])[1]}:${(stats.getRow(i).values as string[])[2]}`);
  t.deepEqual(names, ['单位:交警一大队', '单位:行政许可科', '设备类型:counter', '设备类型:vehicle']);
});

test('casecam fleet export (CSV, BOM) and fleet cases / alarms through the CLI', async (t) => {
  const { dir } = await filledStore(t);
  const csv = path.join(dir, 'archive.csv');
  const from = new Date(PERIOD.from).toISOString();
  const to = new Date(PERIOD.to).toISOString();
  const out = await run('node', [CLI, 'fleet', 'export', '--data', dir, '--format', 'csv', '--out', csv, '--from', from, '--to', to]);
  t.regex(out.stdout, /3 device\(s\), 4 statistics row\(s\)/);
  const bytes = await readFile(csv);
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM first');
  const rows = parseCsv(bytes.toString('utf8').slice(1));
  t.is(rows[0]![0], '设备编号');
  t.is(rows.length, 1 + 3 + 1 + 1 + 4, 'devices, a blank line, statistics');
  const v = rows.find((r) => r[0] === 'V-001')!;
  t.is(v[5], '南京南站 / 苏A·12345');
  t.deepEqual(rows[4], [''], 'the blank line between the two tables');
  t.is(rows[5]![0], '统计维度');

  const en = path.join(dir, 'archive-en.csv');
  await run('node', [CLI, 'fleet', 'export', '--data', dir, '--format', 'csv', '--out', en, '--lang', 'en', '--from', from, '--to', to]);
  t.true((await readFile(en, 'utf8')).startsWith('\ufeffDevice ID,Kind,'));

  const cases = JSON.parse((await run('node', [CLI, 'fleet', 'cases', '--data', dir, '--since', from, '--json'])).stdout) as Array<Record<string, unknown>>;
  t.is(cases.length, 1);
  t.like(cases[0], { deviceId: 'V-001', caseId: CASE, gaps: 1, gapSeconds: 2, durationMs: 17_000, closeTrigger: 'documents.served', offloadedAt: T0 + 25_000 });
  const table = (await run('node', [CLI, 'fleet', 'cases', '--data', dir, '--since', from])).stdout;
  t.true(table.includes(CASE));

  const alarms = JSON.parse((await run('node', [CLI, 'fleet', 'alarms', '--data', dir, '--since', from, '--json'])).stdout) as Array<Record<string, unknown>>;
  t.deepEqual(alarms.map((a) => [a.kind, a.raisedAt, a.clearedAt]), [['violent-resistance', T0 + 5000, T0 + 12_000]]);
  const none = path.join(dir, 'no-such-db');
  const missing = await run('node', [CLI, 'fleet', 'alarms', '--data', none]).catch((e: { code: number; stderr: string }) => e);
  t.is((missing as { code: number }).code, 1);
  t.is((missing as { stderr: string }).stderr, `casecam fleet: no fleet database at ${none} (casecam fleet watch --data ${none} fills it)\n`);
  const bad = await run('node', [CLI, 'fleet', 'export', '--data', dir, '--format', 'pdf', '--out', csv]).catch((e: { code: number; stderr: string }) => e);
  t.is((bad as { code: number }).code, 2);
  t.regex((bad as { stderr: string }).stderr, /^casecam fleet: --format must be csv or xlsx, got "pdf"\n$/);
});
