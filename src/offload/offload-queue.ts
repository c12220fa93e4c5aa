/**
 * The uploader's queue in LevelDB (`offload` sublevel): one row per case, the order in
 * which cases go, and the queue summary for health and `casecam offload status`.
 * Order: incident cases first, then the oldest queued; a case waiting for a retry is
 * skipped until its time.
 */
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import { Table, type StringSublevel } from '../store/table.js';
import { OffloadCaseSchema, type OffloadCase } from './offload-record.js';

export type OffloadTable = Table<typeof OffloadCaseSchema>;

/** The uploader's own sublevel, beside the store's tables (same database, same batches possible). */
export function offloadTable(store: Store, log: Logger): OffloadTable {
  const sub = store.db.sublevel<string, string>('offload', { valueEncoding: 'utf8' }) as unknown as StringSublevel;
  return new Table('offload', sub, OffloadCaseSchema, log);
}

export interface QueueSummary {
  cases: number;
  bytes: number;
  bytesDone: number;
  oldestQueuedAt: number | null;
  incidents: number;
}

export function bytesOf(row: OffloadCase): { total: number; done: number; files: number; filesDone: number } {
  const objs = Object.values(row.objects);
  return {
    total: objs.reduce((s, o) => s + o.bytes, 0),
    done: objs.reduce((s, o) => s + (o.done ? o.bytes : 0), 0),
    files: objs.length,
    filesDone: objs.filter((o) => o.done).length,
  };
}

/** Waiting for upload or for the centre's confirmation. */
export function pending(rows: OffloadCase[]): OffloadCase[] {
  return rows.filter((r) => r.status !== 'confirmed');
}

export function summarize(rows: OffloadCase[]): QueueSummary {
  const waiting = rows.filter((r) => r.status === 'queued' || r.status === 'uploading');
  return {
    cases: waiting.length,
    bytes: waiting.reduce((s, r) => s + bytesOf(r).total - bytesOf(r).done, 0),
    bytesDone: waiting.reduce((s, r) => s + bytesOf(r).done, 0),
    oldestQueuedAt: waiting.length ? Math.min(...waiting.map((r) => r.queuedAt)) : null,
    incidents: waiting.filter((r) => r.incident).length,
  };
}

/** Rows with work to do now, best first. `closed(caseId)` says whether a case can be staged. */
export function ready(rows: OffloadCase[], now: number, closed: (caseId: string) => boolean): OffloadCase[] {
  return rows
    .filter((r) => r.status === 'queued' || r.status === 'uploading')
    .filter((r) => (r.nextAttemptAt ?? 0) <= now)
    .filter((r) => Object.values(r.objects).some((o) => !o.done) || (r.stagedDir === undefined && closed(r.caseId)) || (r.stagedDir !== undefined && Object.values(r.objects).every((o) => o.done)))
    .sort((a, b) => Number(b.incident) - Number(a.incident) || a.queuedAt - b.queuedAt);
}
