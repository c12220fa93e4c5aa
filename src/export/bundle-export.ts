/**
 * Case bundle export: BUNDLE/manifest.json plus BUNDLE/media/<channel>/<segment>.mkv.
 * Files are copied from evidence and hashed again as they are written, so the
 * manifest describes the bundle's own bytes, not the store's.
 */
import { copyFile, mkdir, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError } from '../core/errors.js';
import { checkCaseId } from '../core/case-id.js';
import { Store } from '../store/store.js';
import type { CaseRecord, SegmentRecord } from '../store/records.js';
import { sha256File } from '../recording/durable-files.js';

export interface ManifestSegment {
  file: string;
  channel: string;
  start: string;
  end: string;
  bytes: number;
  sha256: string;
  partial?: boolean;
}

export interface Manifest {
  format: 'casecam-bundle/1';
  exportedAt: string;
  case: {
    id: string;
    kind: string;
    status: string;
    openedAt: string;
    closedAt?: string;
    openTrigger: CaseRecord['openTrigger'];
    closeTrigger?: CaseRecord['closeTrigger'];
    windowStart: string;
    windowEnd?: string;
  };
  device: { id: string };
  officers: string[];
  site?: string;
  unit?: string;
  markers: CaseRecord['markers'];
  gaps: Array<{ channel: string; from: string; to: string; seconds: number; cause: string }>;
  gpsTrack: Array<{ at: string; lat: number; lon: number; speedKmh?: number }>;
  segments: ManifestSegment[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function caseSegments(store: Store, caseId: string): Promise<SegmentRecord[]> {
  const links = await store.caseSegments.values(Store.caseSegmentRange(caseId));
  const segs: SegmentRecord[] = [];
  for (const link of links) {
    const seg = await store.segments.get(link.segmentId);
    if (seg) segs.push(seg);
  }
  return segs.sort((a, b) => a.channel.localeCompare(b.channel) || a.start - b.start);
}

export async function exportBundle(opts: {
  store: Store;
  evidenceDir: string;
  caseId: string;
  outDir: string;
  now?: number;
}): Promise<Manifest> {
  const caseId = checkCaseId(opts.caseId);
  const c = await opts.store.cases.get(caseId);
  if (!c) throw new CasecamError('case-not-found', `no case "${caseId}" in this store`);
  const existing = await readdir(opts.outDir).catch(() => [] as string[]);
  if (existing.length > 0) throw new CasecamError('usage', `bundle directory ${opts.outDir} exists and is not empty`);
  const segs = await caseSegments(opts.store, caseId);
  const out: ManifestSegment[] = [];
  for (const seg of segs) {
    const rel = path.posix.join('media', seg.channel, `${seg.id}.mkv`);
    const dest = path.join(opts.outDir, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(path.join(opts.evidenceDir, seg.file), dest);
    const { sha256, bytes } = await sha256File(dest);
    if (sha256 !== seg.sha256) {
      throw new CasecamError('storage', `evidence file of segment ${seg.id} no longer matches its sealed hash`);
    }
    out.push({ file: rel, channel: seg.channel, start: iso(seg.start), end: iso(seg.end), bytes, sha256, ...(seg.partial ? { partial: true } : {}) });
  }
  const manifest: Manifest = {
    format: 'casecam-bundle/1',
    exportedAt: iso(opts.now ?? Date.now()),
    case: {
      id: c.id,
      kind: c.kind,
      status: c.status,
      openedAt: iso(c.openTrigger.at),
      closedAt: c.closedAt !== undefined ? iso(c.closedAt) : undefined,
      openTrigger: c.openTrigger,
      closeTrigger: c.closeTrigger,
      windowStart: iso(c.windowStart),
      windowEnd: c.windowEnd !== undefined ? iso(c.windowEnd) : undefined,
    },
    device: { id: c.deviceId },
    officers: c.officerIds,
    site: c.site,
    unit: c.unit,
    markers: c.markers,
    gaps: c.gaps.map((g) => ({ channel: g.channel, from: iso(g.from), to: iso(g.to), seconds: (g.to - g.from) / 1000, cause: g.cause })),
    gpsTrack: [],
    segments: out,
  };
  await mkdir(opts.outDir, { recursive: true });
  await writeFile(path.join(opts.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
