/** The sealed files of a case, per channel, in time order. */
import path from 'node:path';
import type { Service } from '../../src/service/build-service.js';
import { caseSegments } from '../../src/export/bundle-export.js';
import type { SegmentRecord } from '../../src/store/records.js';

export async function caseFiles(rec: Service, caseId: string): Promise<Map<string, Array<SegmentRecord & { path: string }>>> {
  const byChannel = new Map<string, Array<SegmentRecord & { path: string }>>();
  for (const seg of await caseSegments(rec.store, caseId)) {
    const list = byChannel.get(seg.channel) ?? [];
    list.push({ ...seg, path: path.join(rec.paths.evidenceDir, seg.file) });
    byChannel.set(seg.channel, list);
  }
  for (const list of byChannel.values()) list.sort((a, b) => a.start - b.start);
  return byChannel;
}

export async function waitClosed(rec: Service, caseId: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const c = await rec.store.cases.get(caseId);
    if (c?.status === 'closed') {
      await rec.sessions.idle();
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${caseId} did not close within ${ms} ms`);
}

/**
 * Wall-clock ms of a frame in a sealed segment: frame timestamps are pipeline running
 * time, and the segment's start is the wall time of its own running start.
 */
export function frameWallTime(seg: Pick<SegmentRecord, 'start' | 'runningStartNs'>, ptsMs: number): number {
  return seg.start - Number(BigInt(seg.runningStartNs) / 1_000_000n) + ptsMs;
}
