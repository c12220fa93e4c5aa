/** The uploader's pure rules: key layout, receipt index, backoff bounds, routine networks, queue order. */
import test from 'ava';
import { caseKeyBase, receiptIndexKey, receiptIndexPrefix, objectMetadata } from '../../src/offload/object-key.js';
import { backoffMs } from '../../src/offload/throttle.js';
import { routineNetworkUp } from '../../src/offload/networks.js';
import { ready } from '../../src/offload/offload-queue.js';
import type { OffloadCase } from '../../src/offload/offload-record.js';
import { caseCategory } from '../../src/export/case-category.js';

test('object keys follow <prefix>/<category>/<unit>/<deviceId>/<caseId>; the receipt index mirrors them', (t) => {
  const k = caseKeyBase({ prefix: 'agency/evidence', category: 'incident', unit: 'Patrol/3', deviceId: 'VAN-07', caseId: '淮交罚〔2018〕86号' });
  t.is(k, 'agency/evidence/incident/Patrol_3/VAN-07/淮交罚〔2018〕86号');
  t.is(caseKeyBase({ prefix: 'p', category: 'c', deviceId: 'D', caseId: 'X' }), 'p/c/no-unit/D/X');
  t.is(receiptIndexKey(k), 'agency/evidence/_receipts/incident/Patrol_3/VAN-07/淮交罚〔2018〕86号.json');
  t.is(receiptIndexPrefix('p', { category: 'incident' }), 'p/_receipts/incident/');
  t.like(objectMetadata({ sha256: 'a'.repeat(64), deviceId: 'D', category: 'incident', incident: true, retentionDays: 3650 }), { 'retention-days': '3650', 'legal-hold': 'incident' });
});

test('a case\'s category: incident when opened by or marked with an incident, else its kind as offload.categories maps it', (t) => {
  const c = { kind: 'roadside-investigation', openTrigger: { type: 'investigation.started', source: 'mqtt', at: 1 }, markers: [] };
  t.is(caseCategory(c), 'roadside-investigation');
  t.is(caseCategory(c, { 'roadside-investigation': 'roadside' }), 'roadside');
  t.is(caseCategory({ ...c, openTrigger: { ...c.openTrigger, type: 'incident' } }, { 'roadside-investigation': 'roadside' }), 'incident');
  t.is(caseCategory({ ...c, markers: [{ at: 2, type: 'evidence' }, { at: 3, type: 'incident', note: 'emergency' }] }), 'incident');
  t.is(caseCategory({ ...c, kind: 'footage-request' }), 'footage-request');
});

test('backoff doubles from the initial delay, is capped, and is jittered in the upper half', (t) => {
  t.is(backoffMs(0, 1000, 60_000, () => 0), 500);
  t.is(backoffMs(0, 1000, 60_000, () => 1), 1000);
  t.is(backoffMs(3, 1000, 60_000, () => 1), 8000);
  t.is(backoffMs(30, 1000, 60_000, () => 1), 60_000);
  t.is(backoffMs(30, 1000, 60_000, () => 0), 30_000);
});

test('routine uploads only on matching interfaces; no patterns means any network', (t) => {
  t.true(routineNetworkUp([], () => ['wwan0']));
  t.false(routineNetworkUp(['eth*', 'wl*'], () => ['wwan0', 'ppp0']));
  t.true(routineNetworkUp(['eth*', 'wl*'], () => ['wwan0', 'wlan0']));
  t.false(routineNetworkUp(['eth0'], () => ['eth01']));
});

test('queue order: incidents first, then the oldest; cases waiting for a retry are skipped', (t) => {
  const row = (caseId: string, o: Partial<OffloadCase>): OffloadCase => ({
    caseId,
    category: 'c',
    incident: false,
    status: 'queued',
    queuedAt: 0,
    keyBase: `p/${caseId}`,
    objects: { 'media/cam1/a.mkv': { source: '/x', sha256: 'a'.repeat(64), bytes: 1, done: false, parts: [] } },
    attempts: 0,
    ...o,
  });
  const rows = [row('old', { queuedAt: 1 }), row('new', { queuedAt: 5 }), row('inc', { queuedAt: 9, incident: true }), row('later', { queuedAt: 0, nextAttemptAt: 100 }), row('done', { status: 'confirmed' })];
  t.deepEqual(ready(rows, 50, () => true).map((r) => r.caseId), ['inc', 'old', 'new']);
  t.deepEqual(ready(rows, 100, () => true).map((r) => r.caseId), ['inc', 'later', 'old', 'new']);
});
