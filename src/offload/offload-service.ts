/**
 * The device's uploader (docs/offload.md): every closed case, and the segments of an
 * incident case as they are sealed, go to the S3-compatible bucket; the centre's
 * `offload.confirm` (never an S3 "200 OK" alone) marks the segments offloaded.
 *
 * Invariants:
 * - All row changes run one at a time (`mutate`), so the loop, the bus listeners and
 *   commands never overwrite each other's state.
 * - One upload runs at a time; between files the loop picks again, so an incident case
 *   goes ahead of routine cases within one file's time.
 * - A failed attempt is retried with capped, jittered backoff; the row (upload IDs,
 *   acknowledged parts) survives a restart, so nothing acknowledged is sent again.
 */
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import type { OffloadConfig } from '../config/offload-schema.js';
import type { OffloadHost } from './offload-host.js';
import type { OffloadCase, OffloadObject } from './offload-record.js';
import type { SegmentRecord } from '../store/records.js';
import { caseSegments } from '../store/case-segments.js';
import { caseKeyBase, objectMetadata } from './object-key.js';
import { objectLockFor } from './object-lock.js';
import { routineNetworkUp } from './networks.js';
import { makeS3Client } from './s3-client.js';
import { Throttle, backoffMs } from './throttle.js';
import { uploadFile } from './upload-file.js';
import { stageCase } from './case-staging.js';
import { caseCategory, INCIDENT_CATEGORY } from '../export/case-category.js';
import { bytesOf, offloadTable, ready, summarize, type OffloadTable, type QueueSummary } from './offload-queue.js';
import { applyConfirm, applyReject, type ConfirmRequest, type RejectRequest } from './offload-confirm.js';
import { SerialQueue } from '../core/serial-queue.js';

/** What the uploader needs of the evidence store (the service provides it). */
export type { OffloadHost } from './offload-host.js';

export interface OffloadServiceDeps {
  config: OffloadConfig;
  deviceId: string;
  unit?: string;
  recorder: OffloadHost;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** For tests: an S3 client to use instead of one made from the config. */
  s3?: S3Client;
  /** Network interfaces up now (default: os.networkInterfaces()). */
  interfaces?: () => string[];
}

const PROGRESS_MS = 5000;

export class OffloadService {
  readonly name = 'offload';
  readonly phase = 'report' as const;
  table!: OffloadTable;
  private s3!: S3Client;
  private readonly throttle: Throttle;
  private readonly off: Array<() => void> = [];
  private readonly chain = new SerialQueue();
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private abort = new AbortController();
  private stopping = false;
  private readonly progressAt = new Map<string, number>();
  /** Bytes acknowledged, for the rate in health (the last minute is kept). */
  private readonly sent: Array<{ at: number; n: number }> = [];

  constructor(private readonly deps: OffloadServiceDeps) {
    this.throttle = new Throttle(deps.config.maxBytesPerSecond);
  }

  get footageMaxSeconds(): number {
    return this.deps.config.footageMaxSeconds;
  }

  get target(): string {
    return `s3://${this.deps.config.bucket}/${this.deps.config.prefix}`;
  }

  async start(): Promise<void> {
    const { deps } = this;
    this.stopping = false;
    this.abort = new AbortController();
    this.s3 = deps.s3 ?? (await makeS3Client(deps.config));
    this.table = offloadTable(deps.recorder.store, deps.log);
    this.off.push(deps.bus.on('case.closed', async (e) => void (await this.enqueue(e.caseId, false))));
    this.off.push(deps.bus.on('segment.sealed', (e) => this.segmentSealed(e.segmentId, e.caseIds)));
    // Cases closed while the uploader was off (or before it existed) are queued now.
    for (const c of await deps.recorder.store.cases.values()) {
      if (c.status === 'closed' && !(await this.table.get(c.id))) await this.enqueue(c.id, false);
    }
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const off of this.off.splice(0)) off();
    this.abort.abort();
    this.wakeUp?.();
    await this.loopDone;
    await this.chain.settled();
    if (!this.deps.s3) this.s3?.destroy();
  }

  /** Queue a case (on close), or raise it to incident priority. Idempotent. */
  enqueue(caseId: string, incident: boolean): Promise<OffloadCase> {
    return this.mutate(caseId, async (row) => {
      const c = await this.deps.recorder.store.cases.get(caseId);
      const category = incident || row?.incident ? INCIDENT_CATEGORY : c ? caseCategory(c, this.deps.config.categories) : 'uncategorized';
      const keyBase = caseKeyBase({ prefix: this.deps.config.prefix, category, unit: c?.unit ?? this.deps.unit, deviceId: this.deps.deviceId, caseId });
      if (row && row.keyBase === keyBase) return this.withSealed(row.status === 'confirmed' && !incident ? row : { ...row, incident: row.incident || incident });
      // New, or re-categorised (a routine case became an incident): every object goes under the new key,
      // and a bundle staged already is made again, since its manifest names the category.
      const objects = Object.fromEntries(Object.entries(row?.objects ?? {}).map(([f, o]) => [f, { ...o, done: false, uploadId: undefined, parts: [] }]));
      const next: OffloadCase = { caseId, category, incident: incident || row?.incident === true, status: 'queued', queuedAt: row?.queuedAt ?? this.deps.clock.now(), keyBase, objects, attempts: 0 };
      this.deps.bus.emit('offload.queued', { caseId, category, incident: next.incident, at: this.deps.clock.now() });
      return this.withSealed(next);
    });
  }

  /** `offload.confirm` from the centre: mark the named, matching segments offloaded. */
  confirm(req: ConfirmRequest): Promise<unknown> {
    return this.serial(() => applyConfirm({ table: this.table, recorder: this.deps.recorder, bus: this.deps.bus, clock: this.deps.clock, bucket: this.deps.config.bucket }, req));
  }

  /** `offload.reject` from the centre: the named files go again; nothing is marked. */
  async reject(req: RejectRequest): Promise<unknown> {
    const r = await this.serial(() => applyReject({ table: this.table, bus: this.deps.bus, clock: this.deps.clock, retryAt: (n) => this.deps.clock.now() + backoffMs(n, this.deps.config.retryInitialMs, this.deps.config.retryMaxMs) }, req));
    this.wake();
    return r;
  }

  async summary(): Promise<QueueSummary> {
    return summarize(await this.table.values());
  }

  /** The queue for the health report: waiting cases and bytes, and the rate over the last minute. */
  async health(): Promise<{ cases: number; bytes: number; incidents: number; oldestQueuedAt: number | null; awaitingConfirmation: number; bytesPerSecond: number }> {
    const rows = await this.table.values();
    const s = summarize(rows);
    const since = Date.now() - 60_000;
    while (this.sent.length && this.sent[0]!.at < since) this.sent.shift();
    const bytes = this.sent.reduce((n, x) => n + x.n, 0);
    return { cases: s.cases, bytes: s.bytes, incidents: s.incidents, oldestQueuedAt: s.oldestQueuedAt, awaitingConfirmation: rows.filter((r) => r.status === 'uploaded').length, bytesPerSecond: Math.round(bytes / 60) };
  }

  /** An incident case uploads its segments as they are sealed, before the case closes. */
  private segmentSealed(segmentId: string, caseIds: string[]): Promise<void> {
    return this.serial(async () => {
      for (const caseId of caseIds) {
        const row = await this.table.get(caseId);
        if (!row?.incident || row.stagedDir) continue;
        const seg = await this.deps.recorder.store.segments.get(segmentId);
        if (seg) await this.table.put(caseId, this.addSegments(row, [seg]));
      }
      this.wake();
    });
  }

  /** An incident row not yet staged gets the segments already sealed for its case (the pre-record). */
  private async withSealed(row: OffloadCase): Promise<OffloadCase> {
    if (!row.incident || row.stagedDir) return row;
    return this.addSegments(row, (await caseSegments(this.deps.recorder.store, row.caseId)).filter((s) => s.evictedAt === undefined));
  }

  private addSegments(row: OffloadCase, segs: SegmentRecord[]): OffloadCase {
    const objects = { ...row.objects };
    for (const seg of segs) {
      const file = `media/${seg.channel}/${seg.id}.mkv`;
      objects[file] ??= { source: path.join(this.deps.recorder.paths.evidenceDir, seg.file), sha256: seg.sha256, bytes: seg.bytes, done: false, parts: [] };
    }
    return { ...row, objects };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.chain.run(fn);
  }

  private mutate(caseId: string, fn: (row: OffloadCase | undefined) => Promise<OffloadCase> | OffloadCase): Promise<OffloadCase> {
    return this.serial(async () => {
      const next = await fn(await this.table.get(caseId));
      await this.table.put(caseId, next);
      this.wake();
      return next;
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const rows = await this.serial(() => this.table.values());
      const closed = new Set<string>();
      // Only rows still to be staged need their case's status (confirmed rows pile up over months).
      for (const r of rows) {
        if ((r.status === 'queued' || r.status === 'uploading') && !r.stagedDir && (await this.deps.recorder.store.cases.get(r.caseId))?.status === 'closed') closed.add(r.caseId);
      }
      const now = this.deps.clock.now();
      const job = ready(rows, now, (id) => closed.has(id)).find((r) => r.incident || routineNetworkUp(this.deps.config.routineInterfaces, this.deps.interfaces));
      if (job) {
        await this.work(job, closed.has(job.caseId));
        continue;
      }
      const retries = rows.map((r) => r.nextAttemptAt ?? Infinity).filter((t) => t > now);
      const waitMs = Math.min(retries.length ? Math.min(...retries) - now : 5000, 5000);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(10, waitMs));
        this.wakeUp = () => (clearTimeout(t), resolve());
      });
      this.wakeUp = undefined;
    }
  }

  /** One step on one case: stage it, upload one file, or finish it. Errors schedule a retry. */
  private async work(row: OffloadCase, closed: boolean): Promise<void> {
    const { deps } = this;
    const caseId = row.caseId;
    try {
      if (!row.stagedDir && closed) {
        const staged = await stageCase(
          { store: deps.recorder.store, journal: deps.recorder.journal, key: deps.recorder.deviceKey, evidenceDir: deps.recorder.paths.evidenceDir, stagingDir: path.join(deps.recorder.paths.dataDir, 'offload'), clock: deps.clock },
          caseId,
          row.category,
          row.objects,
        );
        await this.mutate(caseId, (r) => ({ ...r!, ...staged, status: 'uploading' }));
        return;
      }
      const entry = Object.entries(row.objects).find(([, o]) => !o.done);
      if (entry) {
        await this.uploadOne(row, entry[0], entry[1]);
        return;
      }
      const b = bytesOf(row);
      await this.mutate(caseId, (r) => ({ ...r!, status: 'uploaded', uploadedAt: deps.clock.now(), attempts: 0, lastError: undefined, nextAttemptAt: undefined }));
      this.progress(row, true);
      deps.bus.emit('offload.uploaded', { caseId, category: row.category, bucket: deps.config.bucket, key: row.keyBase, manifestSha256: row.manifestSha256!, files: b.files, bytes: b.total, at: deps.clock.now() });
      deps.log.info({ caseId, key: row.keyBase, files: b.files, bytes: b.total }, 'case uploaded; waiting for the centre to confirm');
    } catch (err) {
      if (this.stopping) return;
      const retryMs = backoffMs(row.attempts, deps.config.retryInitialMs, deps.config.retryMaxMs);
      const reason = errorMessage(err);
      await this.mutate(caseId, (r) => ({ ...r!, attempts: r!.attempts + 1, lastError: reason, nextAttemptAt: deps.clock.now() + retryMs }));
      deps.log.warn({ caseId, err: reason, retryMs }, 'offload attempt failed; will retry');
      deps.bus.emit('offload.failed', { caseId, reason, retryInSeconds: Math.round(retryMs / 100) / 10, at: deps.clock.now() });
    }
  }

  private async uploadOne(row: OffloadCase, file: string, obj: OffloadObject): Promise<void> {
    const { deps } = this;
    let live = row;
    await uploadFile({
      s3: this.s3,
      bucket: deps.config.bucket,
      key: `${row.keyBase}/${file}`,
      object: obj,
      partBytes: deps.config.partBytes,
      metadata: objectMetadata({ sha256: obj.sha256, deviceId: deps.deviceId, category: row.category, incident: row.incident, retentionDays: deps.config.retentionDays[row.category] }),
      lock: objectLockFor(deps.config, { category: row.category, incident: row.incident, now: deps.clock.now() }),
      throttle: row.incident && deps.config.incidentIgnoresCap ? undefined : this.throttle,
      signal: this.abort.signal,
      save: async (o) => {
        live = await this.mutate(row.caseId, (r) => ({ ...r!, status: r!.status === 'queued' ? 'uploading' : r!.status, objects: { ...r!.objects, [file]: o } }));
      },
      onBytes: (n) => {
        this.sent.push({ at: Date.now(), n });
        this.progress(live, false);
      },
    });
  }

  private progress(row: OffloadCase, final: boolean): void {
    const now = this.deps.clock.now();
    if (!final && now - (this.progressAt.get(row.caseId) ?? 0) < PROGRESS_MS) return;
    this.progressAt.set(row.caseId, now);
    if (final) this.progressAt.delete(row.caseId);
    const b = bytesOf(row);
    this.deps.bus.emit('offload.progress', { caseId: row.caseId, bytesDone: final ? b.total : b.done, bytesTotal: b.total, filesDone: final ? b.files : b.filesDone, files: b.files, at: now });
  }
}
