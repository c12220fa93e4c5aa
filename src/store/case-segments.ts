/** The segments filed under a case, by channel and then in time order (the bundle's order). */
import { Store } from './store.js';
import type { SegmentRecord } from './records.js';

export async function caseSegments(store: Store, caseId: string): Promise<SegmentRecord[]> {
  const links = await store.caseSegments.values(Store.caseSegmentRange(caseId));
  const segs: SegmentRecord[] = [];
  for (const link of links) {
    const seg = await store.segments.get(link.segmentId);
    if (seg) segs.push(seg);
  }
  return segs.sort((a, b) => a.channel.localeCompare(b.channel) || a.start - b.start);
}
