/**
 * Start-up recovery: reconcile disk and index before anything records.
 *
 * - Evidence files that the index lacks (a crash between the durable move and the
 *   index write) are hashed and indexed, with their timing from the ring table.
 * - Evidence files whose row says evicted (a crash after retention journaled the
 *   eviction, before the file went) are deleted: the eviction is already journaled.
 * - Ring rows whose segment was being written when the service died become
 *   partial segments ending at the file's last write; rows whose file is gone are
 *   dropped; ring files with no row get one from their name and file times. The
 *   background directory is treated as part of the ring (a crash while a file moved
 *   there leaves the row naming the old place, or a file with no row).
 * - For every channel, the end of the last media recorded is returned so the
 *   supervisors can record the restart as a gap with its cause.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { RingRecord } from '../store/records.js';
import { parseSegmentFileName } from '../core/segment.js';
import type { Sealer } from './sealer.js';

export interface RecoveryReport {
  cleanShutdown: boolean;
  orphansIndexed: string[];
  evictionsFinished: string[];
  partialSegments: string[];
  ringRowsDropped: number;
  ringFilesAdopted: number;
  lastEndByChannel: Record<string, number>;
}

export async function recover(deps: {
  store: Store;
  sealer: Sealer;
  ringDir: string;
  /** Where background footage is kept; part of the ring for recovery. */
  backgroundDir?: string;
  evidenceDir: string;
  segmentSeconds: number;
  channels: string[];
  log: Logger;
}): Promise<RecoveryReport> {
  const { store, sealer, log } = deps;
  const meta = await store.getMeta();
  await store.setMeta({ cleanShutdown: false });
  const report: RecoveryReport = {
    cleanShutdown: meta.cleanShutdown,
    orphansIndexed: [],
    evictionsFinished: [],
    partialSegments: [],
    ringRowsDropped: 0,
    ringFilesAdopted: 0,
    lastEndByChannel: {},
  };
  const ringRows = new Map((await store.ring.values()).map((r) => [r.id, r]));

  // 1. Ring rows: fix partial ones, drop those whose file vanished.
  for (const row of ringRows.values()) {
    let st = await stat(row.file).catch(() => undefined);
    const moved = deps.backgroundDir ? path.join(deps.backgroundDir, path.basename(row.file)) : undefined;
    if (!st && moved && moved !== row.file) {
      st = await stat(moved).catch(() => undefined);
      if (st) {
        row.file = moved;
        row.background = true;
        await store.ring.put(row.id, row);
      }
    }
    if (!st) continue; // maybe already moved into evidence: handled below
    if (row.end === undefined) {
      if (st.size === 0) {
        await unlink(row.file).catch(() => undefined);
        await store.ring.del(row.id);
        ringRows.delete(row.id);
        continue;
      }
      row.end = Math.max(row.start, Math.round(st.mtimeMs));
      row.partial = true;
      await store.ring.put(row.id, row);
      report.partialSegments.push(row.id);
    }
  }

  // 2. Ring (and background) files with no row (the worker's "opened" never reached the index).
  const ringFiles = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).map((name) => ({ dir, name }));
  const dirs = [...new Set([deps.ringDir, ...(deps.backgroundDir ? [deps.backgroundDir] : [])])];
  for (const { dir, name } of (await Promise.all(dirs.map(ringFiles))).flat()) {
    const parsed = parseSegmentFileName(name);
    if (!parsed || ringRows.has(parsed.id)) continue;
    const file = path.join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (!st || st.size === 0) continue;
    const end = Math.round(st.mtimeMs);
    const row: RingRecord = {
      ...parsed,
      file,
      start: Math.round(st.birthtimeMs > 0 ? st.birthtimeMs : end - deps.segmentSeconds * 1000),
      end,
      runningStartNs: '0',
      partial: true,
      ...(dir !== deps.ringDir ? { background: true } : {}),
    };
    await store.ring.put(row.id, row);
    ringRows.set(row.id, row);
    report.ringFilesAdopted++;
  }

  // 3. Evidence files the index lacks.
  for (const day of await readdir(deps.evidenceDir).catch(() => [] as string[])) {
    const dayDir = path.join(deps.evidenceDir, day);
    for (const name of await readdir(dayDir).catch(() => [] as string[])) {
      if (name.endsWith('.tmp')) {
        await unlink(path.join(dayDir, name)).catch(() => undefined);
        continue;
      }
      const parsed = parseSegmentFileName(name);
      if (!parsed) continue;
      const indexed = await store.segments.get(parsed.id);
      if (indexed?.evictedAt !== undefined) {
        await unlink(path.join(dayDir, name)).catch(() => undefined);
        report.evictionsFinished.push(parsed.id);
        continue;
      }
      // A row that exists but fails its schema is left for a person: re-sealing it would
      // rewrite it as unclaimed footage that retention could evict.
      if (indexed || (await store.segments.sub.get(parsed.id)) !== undefined) continue;
      const row = ringRows.get(parsed.id);
      const st = await stat(path.join(dayDir, name));
      const timing = row ?? {
        ...parsed,
        file: path.join(dayDir, name),
        start: Math.round(st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs - deps.segmentSeconds * 1000),
        end: Math.round(st.mtimeMs),
        runningStartNs: '0',
        partial: true,
      };
      await sealer.seal({ ...timing, end: timing.end ?? Math.round(st.mtimeMs) }, { recovered: true });
      ringRows.delete(parsed.id);
      report.orphansIndexed.push(parsed.id);
    }
  }

  // 4. Rows whose file is neither in the ring nor sealed: nothing left to keep.
  for (const row of ringRows.values()) {
    const st = await stat(row.file).catch(() => undefined);
    if (!st) {
      await store.ring.del(row.id);
      report.ringRowsDropped++;
    }
  }

  // 5. Where each channel's media ended.
  const ends: Array<{ channel: string; end?: number }> = [...(await store.ring.values())];
  for (const channel of deps.channels) {
    // Segment ids are <channel>_<runId>_<index>, so the last key of a channel's range is its newest.
    ends.push(...(await store.segments.values({ gte: `${channel}_`, lt: `${channel}\``, reverse: true, limit: 1 })));
  }
  for (const r of ends) {
    if (r.end === undefined) continue;
    const prev = report.lastEndByChannel[r.channel];
    if (prev === undefined || r.end > prev) report.lastEndByChannel[r.channel] = r.end;
  }
  log.info(
    {
      cleanShutdown: report.cleanShutdown,
      orphansIndexed: report.orphansIndexed.length,
      evictionsFinished: report.evictionsFinished.length,
      partialSegments: report.partialSegments.length,
      ringRowsDropped: report.ringRowsDropped,
      ringFilesAdopted: report.ringFilesAdopted,
    },
    'recovery scan done',
  );
  return report;
}
