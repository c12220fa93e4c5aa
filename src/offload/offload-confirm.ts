/**
 * What the centre's answer does on the device.
 *
 * Invariants:
 * - Segments are marked offloaded (`markOffloaded`, journaled) only for files the
 *   confirmation names with the SHA-256 this device uploaded *and* sealed. One wrong
 *   hash refuses the whole confirmation: nothing is marked.
 * - A rejection marks nothing; the files it names (all files, when it names none) are
 *   uploaded again after a backoff, and each problem is reported as `offload.failed`.
 */
import { rm } from 'node:fs/promises';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import { CasecamError } from '../core/errors.js';
import type { OffloadHost } from './offload-host.js';
import type { OffloadTable } from './offload-queue.js';

export interface ConfirmRequest {
  caseId: string;
  /** The receipt's key in the bucket. */
  receipt?: string;
  files: Array<{ file: string; sha256: string }>;
}

export interface RejectRequest {
  caseId: string;
  problems: Array<{ file?: string; reason: string }>;
}

const SEGMENT_FILE = /^media\/[^/]+\/([^/]+)\.mkv$/;

export async function applyConfirm(
  deps: { table: OffloadTable; recorder: Pick<OffloadHost, 'store' | 'markOffloaded'>; bus: Bus; clock: Clock; bucket: string },
  req: ConfirmRequest,
): Promise<{ caseId: string; files: number; segmentsMarked: number; complete: boolean }> {
  const row = await deps.table.get(req.caseId);
  if (!row) throw new CasecamError('case-not-found', `no offload of case "${req.caseId}" on this device`);
  if (row.status !== 'uploaded' && row.status !== 'confirmed') throw new CasecamError('bad-request', `case "${req.caseId}" is not uploaded yet (${row.status})`);
  const segmentIds: string[] = [];
  for (const { file, sha256 } of req.files) {
    const obj = row.objects[file];
    if (!obj) throw new CasecamError('bad-request', `${file}: not a file this device uploaded for case "${req.caseId}"`);
    if (obj.sha256 !== sha256) throw new CasecamError('bad-request', `${file}: confirmed SHA-256 ${sha256.slice(0, 12)}… is not the uploaded ${obj.sha256.slice(0, 12)}…; nothing marked`);
    const m = SEGMENT_FILE.exec(file);
    if (!m) continue;
    const seg = await deps.recorder.store.segments.get(m[1]!);
    if (seg && seg.sha256 !== sha256) throw new CasecamError('bad-request', `${file}: confirmed SHA-256 is not the sealed one; nothing marked`);
    if (seg && seg.evictedAt === undefined) segmentIds.push(seg.id);
  }
  const { marked } = await deps.recorder.markOffloaded(segmentIds, { target: `s3://${deps.bucket}/${row.keyBase}`, by: 'archive' });
  const named = new Set(req.files.map((f) => f.file));
  const objects = Object.fromEntries(Object.entries(row.objects).map(([f, o]) => [f, named.has(f) ? { ...o, confirmed: true } : o]));
  const complete = Object.values(objects).every((o) => o.confirmed);
  const now = deps.clock.now();
  await deps.table.put(req.caseId, { ...row, objects, ...(complete ? { status: 'confirmed' as const, confirmedAt: now } : {}) });
  if (complete && row.stagedDir) await rm(row.stagedDir, { recursive: true, force: true });
  return { caseId: req.caseId, files: req.files.length, segmentsMarked: marked.length, complete };
}

export async function applyReject(
  deps: { table: OffloadTable; bus: Bus; clock: Clock; retryAt: (attempts: number) => number },
  req: RejectRequest,
): Promise<{ caseId: string; again: number }> {
  const row = await deps.table.get(req.caseId);
  if (!row) throw new CasecamError('case-not-found', `no offload of case "${req.caseId}" on this device`);
  if (row.status === 'confirmed') throw new CasecamError('bad-request', `case "${req.caseId}" was already confirmed`);
  const named = req.problems.map((p) => p.file).filter((f): f is string => f !== undefined && row.objects[f] !== undefined);
  const again = new Set(named.length ? named : Object.keys(row.objects));
  const objects = Object.fromEntries(Object.entries(row.objects).map(([f, o]) => [f, again.has(f) ? { ...o, done: false, confirmed: undefined, uploadId: undefined, parts: [] } : o]));
  await deps.table.put(req.caseId, { ...row, objects, status: 'uploading', attempts: row.attempts + 1, nextAttemptAt: deps.retryAt(row.attempts) });
  const at = deps.clock.now();
  for (const p of req.problems) deps.bus.emit('offload.failed', { caseId: req.caseId, reason: `the centre rejected the upload: ${p.reason}`, file: p.file, at });
  return { caseId: req.caseId, again: again.size };
}
