/**
 * The case rules alone: pure functions of (active cases, command, time), no store, no
 * clock but the times passed in, no queue. Each rule the case sessions follow is here.
 */
import test from 'ava';
import { CaseRules, type ActiveCases, type CaseDecision } from '../../src/recording/case-rules.js';
import { uncovered } from '../../src/recording/claim-filing.js';
import { MAX_CLAIM_MS } from '../../src/recording/case-requests.js';
import { isCasecamError } from '../../src/core/errors.js';
import type { CaseRecord } from '../../src/store/records.js';

const T0 = Date.UTC(2026, 10, 28, 9, 30, 0);
const rules = new CaseRules({
  deviceId: 'DEV-1',
  kind: 'counter',
  site: 'Hall 2',
  unit: 'Unit 7',
  defaultOfficerId: 'OFF-1',
  channels: ['cam1', 'cam2'],
  preRecordSeconds: 30,
  postRecordSeconds: 10,
  segmentSeconds: 2,
});

/** Apply a decision's records to a map of active cases, as the case book does after writing them. */
function applied(active: ActiveCases, d: CaseDecision<unknown>): Map<string, CaseRecord> {
  const next = new Map(active);
  for (const r of d.records) {
    if (r.status === 'closed') next.delete(r.id);
    else next.set(r.id, r);
  }
  return next;
}

function openOne(id = 'A-1', at = T0): { active: Map<string, CaseRecord>; record: CaseRecord } {
  const d = rules.open(new Map(), { request: { caseId: id, trigger: 'application.accepted', source: 'test' } }, at);
  return { active: applied(new Map(), d), record: d.records[0]! };
}

function closing(id = 'A-1'): { active: Map<string, CaseRecord>; record: CaseRecord } {
  const { active } = openOne(id);
  const d = rules.close(active, { caseId: id, trigger: 'documents.served', source: 'test', documents: ['D-1'] }, T0 + 60_000);
  return { active: applied(active, d), record: d.records[0]! };
}

function refused(t: import('ava').ExecutionContext, fn: () => unknown, code: string, message: RegExp): void {
  const err = t.throws(fn);
  t.true(isCasecamError(err), String(err));
  t.is((err as { code?: string }).code, code);
  t.regex(err.message, message);
}

test('open: a new case, its window starting pre-record before the trigger, journaled and announced', (t) => {
  const d = rules.open(new Map(), { request: { caseId: '淮交罚〔2018〕86号', trigger: 'application.accepted', source: 'mqtt' } }, T0);
  t.deepEqual(d.result, { caseId: '淮交罚〔2018〕86号', created: true });
  const [c] = d.records;
  t.like(c, { id: '淮交罚〔2018〕86号', status: 'open', kind: 'permit-counter', deviceId: 'DEV-1', site: 'Hall 2', unit: 'Unit 7', windowStart: T0 - 30_000, officerIds: ['OFF-1'] });
  t.deepEqual(c!.openTrigger, { type: 'application.accepted', source: 'mqtt', at: T0, by: 'OFF-1' });
  t.is(d.entry.type, 'case.opened');
  t.deepEqual(d.entry.caseIds, ['淮交罚〔2018〕86号']);
  t.like(d.entry.data, { trigger: 'application.accepted', windowStart: T0 - 30_000 });
  t.deepEqual(
    d.events.map((e) => e.name),
    ['case.opened', 'osd.changed'],
  );
  t.like(d.events[0]!.payload, { caseId: '淮交罚〔2018〕86号', at: T0, windowStart: T0 - 30_000 });
});

test('open without an ID: one from the device and the time, unique among the active cases', (t) => {
  const first = rules.open(new Map(), { request: { trigger: 'investigation.started', source: 'gpio' } }, T0);
  t.is(first.result.caseId, 'DEV-1-20261128-093000');
  const second = rules.open(applied(new Map(), first), { request: { trigger: 'investigation.started', source: 'gpio' } }, T0);
  t.deepEqual(second.result, { caseId: 'DEV-1-20261128-093000-2', created: true }, 'the same second: a second new case, never the first one reused');
  const vehicle = new CaseRules({ ...rules.config, kind: 'patrol-car' });
  t.is(vehicle.open(new Map(), { request: { trigger: 'x', source: 's' } }, T0).records[0]!.kind, 'roadside-investigation');
});

test('a second opening trigger for an open case is a marker, never a second case', (t) => {
  const { active, record } = openOne();
  const d = rules.open(active, { request: { caseId: 'A-1', trigger: 'investigation.started', source: 'scanner', officerId: 'OFF-2' } }, T0 + 5000);
  t.deepEqual(d.result, { caseId: 'A-1', created: false });
  t.is(d.records.length, 1);
  t.is(d.records[0]!.status, 'open');
  t.deepEqual(d.records[0]!.markers, [{ at: T0 + 5000, type: 'investigation.started', note: 'repeated opening trigger', by: 'OFF-2', source: 'scanner' }]);
  t.is(d.entry.type, 'case.marker');
  t.deepEqual(
    d.events.map((e) => e.name),
    ['case.marker'],
  );
  t.deepEqual(record.markers, [], 'the record given is not changed');
});

test('open is refused for a closing case and for a case already recorded and closed', (t) => {
  const { active } = closing();
  refused(t, () => rules.open(active, { request: { caseId: 'A-1', trigger: 'x', source: 's' } }, T0 + 61_000), 'bad-request', /closing; wait/);
  const stored: CaseRecord = { ...openOne('OLD').record, status: 'closed' };
  refused(t, () => rules.open(new Map(), { request: { caseId: 'OLD', trigger: 'x', source: 's' }, stored }, T0), 'bad-request', /already recorded and closed/);
});

test('marker: on the named open case, or the only one; refused when none or several are open', (t) => {
  const { active } = openOne();
  const d = rules.marker(active, { type: 'inquiry', note: 'applicant questioned', by: 'OFF-1', source: 'test' }, T0 + 1000);
  t.deepEqual(d.result, { caseId: 'A-1' });
  t.like(d.records[0]!.markers[0], { at: T0 + 1000, type: 'inquiry', note: 'applicant questioned' });
  t.like(d.events[0], { name: 'case.marker', payload: { caseId: 'A-1', type: 'inquiry' } });
  refused(t, () => rules.marker(new Map(), { type: 'inquiry', source: 't' }, T0), 'no-open-case', /no case is open/);
  const two = applied(active, rules.open(active, { request: { caseId: 'B-2', trigger: 'x', source: 's' } }, T0));
  refused(t, () => rules.marker(two, { type: 'inquiry', source: 't' }, T0), 'bad-request', /2 cases are open; name the case/);
  refused(t, () => rules.marker(two, { caseId: 'C-3', type: 'inquiry', source: 't' }, T0), 'no-open-case', /C-3 is not open/);
});

test('close: the case is closing, its window ending post-record after the trigger', (t) => {
  const { active } = openOne();
  const d = rules.close(active, { caseId: 'A-1', trigger: 'documents.served', source: 'test', documents: ['D-1'], by: 'OFF-1' }, T0 + 60_000);
  t.deepEqual(d.result, { caseId: 'A-1', windowEnd: T0 + 70_000 });
  t.like(d.records[0], { status: 'closing', windowEnd: T0 + 70_000, closeTrigger: { type: 'documents.served', at: T0 + 60_000, documents: ['D-1'] } });
  t.is(d.entry.type, 'case.closing');
  t.like(d.entry.data, { trigger: 'documents.served', windowEnd: T0 + 70_000 });
  t.deepEqual(
    d.events.map((e) => e.name),
    ['osd.changed'],
  );
  refused(t, () => rules.close(applied(active, d), { caseId: 'A-1', trigger: 'documents.served', source: 't' }, T0 + 61_000), 'no-open-case', /not open/);
});

test('record.stop needs a reason; white space is no reason', (t) => {
  const { active } = openOne();
  refused(t, () => rules.close(active, { trigger: 'record.stop', source: 'mqtt' }, T0), 'reason-required', /needs a reason/);
  refused(t, () => rules.close(active, { trigger: 'record.stop', source: 'mqtt', reason: '  ' }, T0), 'reason-required', /needs a reason/);
  const d = rules.close(active, { trigger: 'record.stop', source: 'mqtt', reason: 'officer called away' }, T0 + 1000);
  t.is(d.records[0]!.closeTrigger?.reason, 'officer called away');
});

test('closing → closed once every channel is past the window and no claim is pending', (t) => {
  const { record } = closing();
  const windowEnd = record.windowEnd!;
  t.is(rules.closingDue(record, { done: new Set(['cam1']), pending: 0 }, windowEnd + 1000), undefined, 'cam2 has not delivered yet');
  t.is(rules.closingDue(record, { done: new Set(['cam1', 'cam2']), pending: 1 }, windowEnd + 1000), undefined, 'a claim is still being sealed');
  t.deepEqual(rules.closingDue(record, { done: new Set(['cam1', 'cam2']), pending: 0 }, windowEnd + 1000), { complete: true });
  t.is(rules.closingDue(openOne().record, { done: new Set(['cam1', 'cam2']), pending: 0 }, windowEnd + 1000), undefined, 'an open case never closes by time');

  const d = rules.finish(record, { done: new Set(['cam1', 'cam2']), mediaEnd: {}, lost: new Map(), segments: 40 }, windowEnd + 1000);
  t.like(d.records[0], { status: 'closed', closedAt: windowEnd + 1000 });
  t.deepEqual(d.records[0]!.gaps, []);
  t.deepEqual(d.entry, { type: 'case.closed', data: { trigger: 'documents.served', reason: undefined, segments: 40, gaps: 0, complete: true }, caseIds: ['A-1'] });
  t.deepEqual(
    d.events.map((e) => e.name),
    ['case.closed', 'osd.changed'],
  );
});

test('closing → closed when the grace time passes; a channel short of the end leaves a gap with its cause', (t) => {
  const { record } = closing();
  const windowEnd = record.windowEnd!;
  const done = new Set(['cam1']);
  t.is(rules.closingDue(record, { done, pending: 0 }, windowEnd + rules.graceMs - 1), undefined);
  t.deepEqual(rules.closingDue(record, { done, pending: 0 }, windowEnd + rules.graceMs), { complete: false });

  const lost = new Map([['cam2', 'worker exited with code 1']]);
  const d = rules.finish(record, { done, mediaEnd: { cam2: windowEnd - 8000 }, lost, segments: 30 }, windowEnd + rules.graceMs);
  t.deepEqual(d.records[0]!.gaps, [{ channel: 'cam2', from: windowEnd - 8000, to: windowEnd, cause: 'media lost: worker exited with code 1' }]);
  t.like(d.entry.data, { complete: false, gaps: 1 });

  // No media at all and no alarm: the gap covers the whole window, and says so.
  const silent = rules.finish(record, { done: new Set(), mediaEnd: {}, lost: new Map(), segments: 0 }, windowEnd + rules.graceMs);
  t.deepEqual(
    silent.records[0]!.gaps.map((g) => [g.channel, g.from, g.to, g.cause]),
    [
      ['cam1', record.windowStart, windowEnd, 'no media delivered by the channel'],
      ['cam2', record.windowStart, windowEnd, 'no media delivered by the channel'],
    ],
  );
});

test('a gap already recorded for a channel is not repeated when the case closes short', (t) => {
  const { record } = closing();
  const windowEnd = record.windowEnd!;
  const withGap: CaseRecord = { ...record, gaps: [{ channel: 'cam2', from: windowEnd - 9000, to: windowEnd - 4000, cause: 'worker restarted' }] };
  const d = rules.finish(withGap, { done: new Set(['cam1']), mediaEnd: { cam2: windowEnd - 9000 }, lost: new Map(), segments: 3 }, windowEnd + 20_000);
  t.deepEqual(d.records[0]!.gaps.slice(1), [{ channel: 'cam2', from: windowEnd - 4000, to: windowEnd, cause: 'no media delivered by the channel' }]);
});

test('a channel is past the window with a segment ending at or after its end', (t) => {
  const { record } = closing();
  t.true(rules.reachesWindowEnd(record, { end: record.windowEnd! }));
  t.false(rules.reachesWindowEnd(record, { end: record.windowEnd! - 1 }));
  t.false(rules.reachesWindowEnd(record, {}), 'a segment still being written');
  t.false(rules.reachesWindowEnd(openOne().record, { end: T0 + 1e9 }), 'an open case has no end yet');
});

test('a gap is recorded in every case whose window it touches, with one journal entry', (t) => {
  const { active } = closing('A-1'); // window [T0 − 30 s, T0 + 70 s)
  const both = applied(active, rules.open(active, { request: { caseId: 'B-2', trigger: 'x', source: 's' } }, T0 + 65_000)); // from T0 + 35 s
  const gap = { channel: 'cam1', from: T0 + 40_000, to: T0 + 45_000, cause: 'worker killed by SIGKILL' };
  const d = rules.gap(both, gap);
  t.deepEqual(d.entry, { type: 'recording.gap', data: gap, caseIds: ['A-1', 'B-2'] });
  t.deepEqual(
    d.records.map((r) => [r.id, r.gaps]),
    [
      ['A-1', [gap]],
      ['B-2', [gap]],
    ],
  );
  t.is(d.logs.length, 2);

  const late = { ...gap, from: T0 + 80_000, to: T0 + 90_000 };
  t.deepEqual(
    rules.gap(both, late).records.map((r) => r.id),
    ['B-2'],
    'after A-1 window ended',
  );
  const none = rules.gap(new Map(), gap);
  t.deepEqual(none.records, []);
  t.deepEqual(none.entry.caseIds, [], 'still journaled, under no case');
});

test('a claim is refused when it is not a usable past interval', (t) => {
  const now = T0;
  const ok = { caseId: 'C-1', from: now - 60_000, to: now - 1000, source: 't' };
  t.is(rules.checkClaim(ok, now), 'C-1');
  refused(t, () => rules.checkClaim({ ...ok, from: ok.to, to: ok.from }, now), 'bad-request', /from < to/);
  refused(t, () => rules.checkClaim({ ...ok, from: Number.NaN }, now), 'bad-request', /from < to/);
  refused(t, () => rules.checkClaim({ ...ok, to: now + 1 }, now), 'bad-request', /future/);
  refused(t, () => rules.checkClaim({ ...ok, from: ok.to - MAX_CLAIM_MS - 1 }, now), 'bad-request', /at most 24 hours/);
  refused(t, () => rules.checkClaim({ ...ok, caseId: '../etc' }, now), 'bad-case-id', /case ID/);
});

test('a claim creates a closed case when none exists, and adds to an existing one; missing footage becomes gaps', (t) => {
  const req = { caseId: 'C-1', from: T0 - 60_000, to: T0 - 10_000, source: 'mqtt', by: 'OFF-9', reason: 'complaint' };
  const missing = [{ channel: 'cam2', from: T0 - 60_000, to: T0 - 40_000 }];
  const created = rules.claim({ request: req, missing }, T0);
  t.true(created.result.created);
  t.like(created.records[0], { id: 'C-1', status: 'closed', windowStart: req.from, windowEnd: req.to, closedAt: T0, officerIds: ['OFF-9'] });
  t.like(created.records[0]!.openTrigger, { type: 'claim', reason: 'complaint' });
  t.deepEqual(created.records[0]!.gaps, [{ ...missing[0]!, cause: 'no footage left on the device when the interval was claimed' }]);
  t.like(created.entry, { type: 'case.claimed', data: { created: true, missing }, caseIds: ['C-1'] });

  const { record } = openOne('C-1');
  const added = rules.claim({ request: req, current: record, missing: [] }, T0 + 1000);
  t.false(added.result.created);
  t.is(added.records[0]!.status, 'open', 'an open case stays open');
  t.deepEqual(added.records[0]!.claims, [{ from: req.from, to: req.to, at: T0 + 1000, source: 'mqtt', by: 'OFF-9', reason: 'complaint' }]);
  t.is(record.claims, undefined, 'the record given is not changed');
});

test('missing footage: per channel, the holes longer than the slack', (t) => {
  const segs = [
    { channel: 'cam1', start: 0, end: 2000 },
    { channel: 'cam1', start: 2100, end: 4000 }, // a 100 ms hole: within the slack
    { channel: 'cam1', start: 8000, end: 10_000 },
    { channel: 'cam2', start: 5000, end: 7000 },
    { channel: 'cam2', start: 7000 }, // still being written: covers nothing
  ];
  t.deepEqual(uncovered(['cam1', 'cam2'], segs, 0, 10_000, 500), [
    { channel: 'cam1', from: 4000, to: 8000 },
    { channel: 'cam2', from: 0, to: 5000 },
    { channel: 'cam2', from: 7000, to: 10_000 },
  ]);
});
