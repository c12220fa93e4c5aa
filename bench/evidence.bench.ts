/**
 * Evidence store figures (issue 3):
 * - journalAppendsPerSecond: entries appended one at a time, each with a case row in its
 *   batch, as case changes and seals are written (target: ≫ 2 per segment second)
 * - journalVerifyEntriesPerSecond: `casecam journal verify` speed
 * - sealedEntryBytes: size of one segment.sealed entry (the journal grows by one per
 *   sealed segment and channel)
 * - retentionBudgetCountMsPer10kSegments: under a budget, retention counts the evidence
 *   bytes once at start (in the background; the first pass waits for it)
 * - exportSeconds / verifySeconds and MB/s for a real 20 s two-channel case at the test
 *   template's defaults (640x360), continuous files included
 */
import path from 'node:path';
import { silentLogger } from '../src/core/logger.js';
import { Bus } from '../src/core/bus.js';
import { Store } from '../src/store/store.js';
import { Ring } from '../src/media/ring.js';
import { Journal, verifyJournal } from '../src/evidence/journal.js';
import { Retention } from '../src/evidence/retention.js';
import { StorageSchema } from '../src/config/schema.js';
import { buildService, type Service } from '../src/service/build-service.js';
import { parseConfig } from '../src/config/load.js';
import { exportBundle } from '../src/export/bundle-export.js';
import { verifyBundle } from '../src/export/bundle-verify.js';
import type { CaseRecord } from '../src/store/records.js';
import { sleep, tempDir } from '../test/helpers/test-config.js';

const log = silentLogger();
const clock = { now: () => Date.now() };

async function journalFigures(): Promise<Record<string, number>> {
  const store = await Store.open(path.join(await tempDir('casecam-bench-journal-'), 'db'), log);
  const journal = await Journal.open(store, clock, log);
  const c: CaseRecord = {
    id: 'BENCH-1',
    kind: 'permit-counter',
    status: 'open',
    deviceId: 'BENCH',
    officerIds: ['OFC-1'],
    openTrigger: { type: 'application.accepted', source: 'bench', at: Date.now() },
    windowStart: Date.now(),
    markers: [],
    gaps: [],
  };
  const n = 5000;
  let t0 = performance.now();
  let entryBytes = 0;
  for (let i = 0; i < n; i++) {
    const e = await journal.append(
      'segment.sealed',
      { segmentId: `cam1_1800000000000_${String(i).padStart(5, '0')}`, channel: 'cam1', file: `2027-01-15/cam1_1800000000000_${i}.mkv`, start: 1, end: 2, bytes: 500_000, sha256: 'c'.repeat(64) },
      { caseIds: [c.id], ops: [store.cases.putOp(c.id, c)] },
    );
    entryBytes = JSON.stringify(e).length;
  }
  const appendsPerSecond = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  const check = await verifyJournal(store);
  const verifyPerSecond = check.entries / ((performance.now() - t0) / 1000);
  await store.close();
  return { journalAppendsPerSecond: Math.round(appendsPerSecond), journalVerifyEntriesPerSecond: Math.round(verifyPerSecond), sealedEntryBytes: entryBytes };
}

async function retentionScan(): Promise<Record<string, number>> {
  const dir = await tempDir('casecam-bench-scan-');
  const store = await Store.open(path.join(dir, 'db'), log);
  const n = 10_000;
  for (let i = 0; i < n; i += 500) {
    const ops = [];
    for (let j = i; j < i + 500; j++) {
      const id = `cam1_1800000000000_${String(j).padStart(6, '0')}`;
      ops.push(store.segments.putOp(id, { id, channel: 'cam1', file: `d/${id}.mkv`, start: j * 2000, end: j * 2000 + 2000, bytes: 500_000, sha256: 'd'.repeat(64), runningStartNs: '0', sealedAt: 1, caseIds: ['C'] }));
    }
    await store.batch(ops);
  }
  const journal = await Journal.open(store, clock, log);
  const retention = new Retention({
    store,
    journal,
    ring: new Ring(store, log),
    bus: new Bus(log),
    clock,
    log,
    sessions: { wants: () => false, exclusive: (fn) => fn(), activeCases: () => [] },
    settings: StorageSchema.parse({ checkSeconds: 600, budgetBytes: 1e12 }),
    evidenceDir: dir,
    backgroundDir: dir,
    preRecordSeconds: 30,
    segmentSeconds: 2,
  });
  const t0 = performance.now();
  await retention.start();
  await retention.pass();
  const ms = performance.now() - t0;
  await retention.stop();
  await store.close();
  return { retentionBudgetCountMsPer10kSegments: Math.round(ms) };
}

async function exportAndVerify(): Promise<Record<string, number>> {
  const dir = await tempDir('casecam-bench-export-');
  const config = parseConfig({
    deviceId: 'BENCH-1',
    kind: 'counter',
    channels: [
      { id: 'cam1', template: 'test-av' },
      { id: 'cam2', template: 'test-av', params: { pattern: 'ball' } },
    ],
    recording: { preRecordSeconds: 2, postRecordSeconds: 1 },
    paths: { dataDir: path.join(dir, 'data') },
  });
  const r = await buildService(config, { log });
  await r.start();
  const closed = new Promise<void>((resolve) => r.bus.on('case.closed', () => resolve()));
  try {
    await sleep(3000);
    await r.sessions.open({ caseId: 'BENCH-CASE', trigger: 'application.accepted', source: 'bench' });
    await sleep(20_000);
    await r.sessions.close({ caseId: 'BENCH-CASE', trigger: 'documents.served', source: 'bench' });
    await closed;
    await r.sessions.idle();
    const out = path.join(dir, 'bundle');
    let t0 = performance.now();
    const { manifest } = await exportBundle({ store: r.store, journal: r.journal, key: r.deviceKey, evidenceDir: r.paths.evidenceDir, caseId: 'BENCH-CASE', outDir: out, operator: 'bench', via: 'bench' });
    const exportSeconds = (performance.now() - t0) / 1000;
    const mb = [...manifest.segments, ...manifest.continuous].reduce((n, f) => n + f.bytes, 0) / 1e6;
    t0 = performance.now();
    const v = await verifyBundle(out, { trustedKeyPem: r.deviceKey.publicPem });
    const verifySeconds = (performance.now() - t0) / 1000;
    if (!v.ok) throw new Error(`bench bundle does not verify: ${v.problems.join('; ')}`);
    return {
      bundleMB: Math.round(mb * 10) / 10,
      segments: manifest.segments.length,
      exportSeconds: Math.round(exportSeconds * 100) / 100,
      exportMBps: Math.round(mb / exportSeconds),
      verifySeconds: Math.round(verifySeconds * 100) / 100,
      verifyMBps: Math.round(mb / verifySeconds),
    };
  } finally {
    await r.stop();
  }
}

export default async function evidenceBench(): Promise<Record<string, number>> {
  return { ...(await journalFigures()), ...(await retentionScan()), ...(await exportAndVerify()) };
}
