/**
 * The board's model from a recorded sequence of retained and live messages
 * (fixtures/board-sequence.jsonl): three devices, a case with a Chinese ID, an alarm
 * raised (and delivered twice) then cleared, a gap, garbage, and a counter that goes
 * offline by its last will and comes back. The recorded devices speak contract 1.0.0 (no
 * `state.live`, no `health.live`): the fleet side must read every version since.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { BoardModel, type Fact } from '../../src/fleet/board-model.js';
import { boardRows, boardSummary } from '../../src/fleet/board-rows.js';

interface Recorded {
  at: number;
  topic: string;
  retain: boolean;
  text: string;
}

const sequence: Recorded[] = readFileSync(new URL('../../../test/fleet/fixtures/board-sequence.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Recorded);
const T0 = sequence[0]!.at;
const CASE = '淮交罚〔2018〕86号';

function replay(until = Infinity): { model: BoardModel; facts: Fact[]; errors: string[] } {
  const model = new BoardModel();
  const facts: Fact[] = [];
  const errors: string[] = [];
  for (const m of sequence) {
    if (m.at - T0 > until) break;
    const r = model.applyRaw(m.topic, m.text, m.retain, m.at);
    facts.push(...r.facts);
    if (r.error) errors.push(r.error);
  }
  return { model, facts, errors };
}

test('retained messages alone give every device, the offline one first', (t) => {
  const { model } = replay(0);
  const rows = boardRows(model, T0);
  t.deepEqual(rows.map((r) => r.deviceId), ['C-003', 'C-002', 'V-001']);
  t.is(rows[0]!.status, 'offline');
  t.is(rows[0]!.statusSince, null, 'a retained offline does not say since when');
  t.deepEqual(rows[0]!.problems, ['offline']);
  t.is(rows[2]!.unit, '交警一大队');
  t.is(rows[2]!.site, '苏A·12345', 'a vehicle is shown by its plate');
  t.deepEqual(boardSummary(rows), { devices: 3, online: 2, offline: 1, recording: 0, withProblems: 1, alarms: 0 });
});

test('a case opens, an alarm raised twice counts once, the board puts it before healthy devices', (t) => {
  const { model, errors } = replay(5500);
  const v = model.devices.get('V-001')!;
  t.is(v.state?.caseId, CASE);
  t.is(v.alarms.size, 1);
  t.is(v.recentAlarms.length, 1, 'the duplicate alarm.raised (same event id) is not applied again');
  const rows = boardRows(model, T0 + 5500);
  t.deepEqual(rows.map((r) => r.deviceId).slice(0, 2), ['C-003', 'V-001']);
  t.true(rows[1]!.recording);
  t.deepEqual(rows[1]!.problems, ['alarm violent-resistance (operator)']);
  t.is(rows[1]!.diskHoursLeft, Math.round((Math.round(300e9 / 250000 / 60) / 60) * 10) / 10);
  t.true(rows[1]!.gpsFix === true);
  t.is(v.gpsTrack.length, 2);
  t.is(errors.length, 1, 'the garbage state is refused with a reason');
  t.regex(errors[0]!, /state is not JSON/);
  t.is(model.invalid, 1);
  t.false(model.devices.has('X-9'), 'a device is not created by a refused message');
});

test('a device goes offline by its last will and comes back', (t) => {
  const mid = replay(6000).model;
  const c = boardRows(mid, T0 + 6000).find((r) => r.deviceId === 'C-002')!;
  t.is(c.status, 'offline');
  t.is(c.statusSince, T0 + 6000, 'a live offline carries when it happened');
  t.is(boardRows(mid, T0 + 6000)[0]!.deviceId, 'C-002', 'both offline counters tie; then by ID');

  const { model, facts } = replay();
  const back = boardRows(model, T0 + 31_000).find((r) => r.deviceId === 'C-002')!;
  t.is(back.status, 'online');
  t.is(back.statusSince, T0 + 30_000);
  t.is(back.severity, 0);
  const statusFacts = facts.filter((f) => f.type === 'status' && f.deviceId === 'C-002').map((f) => (f.type === 'status' ? f.status : ''));
  t.deepEqual(statusFacts, ['online', 'offline', 'online']);
});

test('alarm and case history with times; the gap is counted in the open case', (t) => {
  const { model, facts } = replay();
  const v = model.devices.get('V-001')!;
  t.is(v.alarms.size, 0);
  t.deepEqual(
    v.recentAlarms.map((a) => [a.kind, a.raisedAt - T0, a.clearedAt! - T0]),
    [['violent-resistance', 5000, 12000]],
  );
  t.deepEqual(
    v.recentCases.map((c) => [c.caseId, c.openedAt - T0, c.closedAt! - T0, c.gaps, c.closeTrigger, c.officerId]),
    [[CASE, 3000, 20000, 1, 'documents.served', '警号 0371']],
  );
  const gap = facts.find((f) => f.type === 'gap');
  t.like(gap, { type: 'gap', deviceId: 'V-001', caseId: CASE, seconds: 2 });
  const rows = boardRows(model, T0 + 31_000);
  t.deepEqual(rows.map((r) => r.deviceId), ['C-003', 'C-002', 'V-001']);
  t.false(rows[2]!.recording);
});

test('offload queue: a case queued stays pending until the centre confirms it (uploaded is not enough)', (t) => {
  const row = (until: number) => boardRows(replay(until).model, T0 + until).find((r) => r.deviceId === 'V-001')!;
  t.like(row(20_600), { offloadQueue: 1, lastOffloadAt: null });
  t.like(row(24_000), { offloadQueue: 1, lastOffloadAt: null });
  t.like(row(25_000), { offloadQueue: 0, lastOffloadAt: T0 + 25_000 });
  const offloads = replay().facts.filter((f) => f.type === 'offload');
  t.deepEqual(offloads, [{ type: 'offload', deviceId: 'V-001', at: T0 + 25_000, caseId: CASE }]);
});

test('a remembered time fills in since when a retained status holds, never over a live one', (t) => {
  const { model } = replay(6000);
  model.restoreSince('C-003', 'offline', T0 - 3_600_000);
  model.restoreSince('C-002', 'offline', T0 - 3_600_000);
  model.restoreSince('V-001', 'offline', T0 - 3_600_000);
  const rows = boardRows(model, T0 + 6000);
  t.is(rows.find((r) => r.deviceId === 'C-003')!.statusSince, T0 - 3_600_000);
  t.is(rows.find((r) => r.deviceId === 'C-002')!.statusSince, T0 + 6000, 'the live offline stays');
  t.is(rows.find((r) => r.deviceId === 'V-001')!.statusSince, null, 'V-001 is online: an offline time does not apply');
});

test('filters by unit, kind and problems', (t) => {
  const { model } = replay(5500);
  t.deepEqual(boardRows(model, T0, { unit: '行政许可科' }).map((r) => r.deviceId), ['C-003', 'C-002']);
  t.deepEqual(boardRows(model, T0, { kind: 'vehicle' }).map((r) => r.deviceId), ['V-001']);
  t.deepEqual(boardRows(model, T0 + 5500, { problems: true }).map((r) => r.deviceId), ['C-003', 'V-001']);
});
