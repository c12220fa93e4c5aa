/** The sealed files of a case, per channel, in time order. */
import path from 'node:path';
import type { Service } from '../../src/service/build-service.js';
import { caseSegments } from '../../src/export/bundle-export.js';
import type { SegmentRecord } from '../../src/store/records.js';
import { waitFor } from './test-config.js';

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
  ms = Math.max(ms, 60_000); // a close waits for post-record media and sealing: slow on a busy machine
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

/**
 * Waits until every channel's media in the ring reaches back over the whole pre-record
 * window, so a case opened now starts with media, not with a "service started" gap. On a
 * busy machine the first frame can come seconds after start: wait for it, never a fixed time.
 */
export async function waitPreRecordCovered(rec: Service, ms = 60_000): Promise<void> {
  const preMs = rec.config.recording.preRecordSeconds * 1000;
  const channels = rec.config.channels.map((c) => c.id);
  await waitFor(
    () => {
      const cutoff = Date.now() - preMs - 200;
      const entries = rec.ring.all();
      return channels.every((ch) => entries.some((e) => e.channel === ch && e.start <= cutoff)) || undefined;
    },
    ms,
    'media over the whole pre-record window on every channel',
  );
}
