/**
 * Case bundle export (layout in manifest.ts).
 *
 * Invariants:
 * - The export is journaled (`case.export.started`, naming the operator) before any
 *   evidence is read, and again when it is complete (`case.exported`, with the
 *   manifest's SHA-256): an access that was cut short still shows.
 * - Segment files are copied from evidence and hashed again as written; a copy that
 *   does not match its sealed hash stops the export (the store was tampered with).
 * - The bundle is built in a hidden sibling directory and renamed into place only when
 *   complete, so a crashed export leaves no half bundle at BUNDLE and can simply be
 *   run again. (Files are not fsynced: an export is repeatable, the store is the record.)
 * - The target is checked before the export is journaled or any evidence read, and
 *   every file-system step and the remux are bounded in time (core/bounded.ts).
 * - A bundle is private to the service user: directories 0700, files 0600 (whatever
 *   the umask), since it holds evidence.
 */
import { caseSegments } from '../store/case-segments.js';
import { copyFile, lstat, mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { checkCaseId } from '../core/case-id.js';
import { Store } from '../store/store.js';
import type { CaseRecord, Trigger } from '../store/records.js';
import { sha256File } from '../core/durable-files.js';
import type { Journal } from '../evidence/journal.js';
import { sha256Hex } from '../evidence/journal-hash.js';
import { signBytes, type DeviceKey } from '../evidence/device-key.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, ManifestSchema, sumsText, type Manifest, type ManifestContinuous, type ManifestSegment } from './manifest.js';
import { REMUX_METHOD, remuxConcat } from './remux.js';
import { GpsTrack } from '../hw/gps-track.js';
import { caseQualityReport } from '../quality/export-quality.js';
import { refuseSystemPath } from '../config/path-rules.js';
import { bounded } from '../core/bounded.js';
import { privateTree } from './bundle-files.js';
import { caseCategory } from './case-category.js';

export type { Manifest } from './manifest.js';

export interface ExportOptions {
  store: Store;
  journal: Journal;
  key: DeviceKey;
  evidenceDir: string;
  caseId: string;
  outDir: string;
  /** Who exports (journaled and written into the manifest). */
  operator: string;
  /** Through what: `cli`, `demo`, `mqtt`, … */
  via: string;
  /**
   * The case's storage category for the manifest: what the uploader put in the object key
   * (it passes its own), else from the record and `categories` (offload.categories).
   */
  category?: string;
  categories?: Record<string, string>;
  clock?: Clock;
}

export interface ExportResult {
  manifest: Manifest;
  manifestSha256: string;
  outDir: string;
  /** Things that did not stop the export (e.g. a channel whose continuous file could not be made). */
  warnings: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoTrigger = (t: Trigger) => ({ ...t, at: iso(t.at) });

/** Every segment row the case links, sealed and evicted, by channel then time. */
export { caseSegments };

export async function exportBundle(opts: ExportOptions): Promise<ExportResult> {
  const { store } = opts;
  const clock = opts.clock ?? systemClock;
  const caseId = checkCaseId(opts.caseId);
  const c = await store.cases.get(caseId);
  if (!c) throw new CasecamError('case-not-found', `no case "${caseId}" in this store`);
  const outDir = await checkTarget(opts.outDir);
  const work = path.join(path.dirname(outDir), `.${path.basename(outDir)}.partial`);
  await bounded(rm(work, { recursive: true, force: true }), `clearing ${work}`);
  await bounded(mkdir(work, { recursive: true, mode: 0o700 }), `making ${work}`);

  try {
    return await build(opts, c, work, outDir, clock);
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The target is checked before anything is read or journaled: not under /proc, /sys or
 * /dev (mkdir loops there), not an existing file, not a non-empty directory, and its
 * parent a directory.
 */
async function checkTarget(given: string): Promise<string> {
  const outDir = refuseSystemPath(given, 'bundle path');
  const st = await bounded(lstat(outDir), `looking at ${outDir}`).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (st && !st.isDirectory()) throw new CasecamError('usage', `bundle path ${outDir} exists and is not a directory: give a new path or an empty directory`);
  if (st && (await bounded(readdir(outDir), `listing ${outDir}`)).length > 0) throw new CasecamError('usage', `bundle directory ${outDir} exists and is not empty`);
  const parent = await bounded(stat(path.dirname(outDir)), `looking at ${path.dirname(outDir)}`).catch(() => undefined);
  if (parent && !parent.isDirectory()) throw new CasecamError('usage', `bundle path ${outDir}: ${path.dirname(outDir)} is not a directory`);
  return outDir;
}

async function build(opts: ExportOptions, c: CaseRecord, work: string, outDir: string, clock: Clock): Promise<ExportResult> {
  const { store, journal, key } = opts;
  const caseId = c.id;
  const started = await journal.append('case.export.started', { operator: opts.operator, via: opts.via, out: outDir }, { caseIds: [caseId] });
  const warnings: string[] = [];
  const rows = await caseSegments(store, caseId);
  const segments: ManifestSegment[] = [];
  for (const seg of rows.filter((r) => r.evictedAt === undefined)) {
    const file = path.posix.join('media', seg.channel, `${seg.id}.mkv`);
    const dest = path.join(work, file);
    await bounded(mkdir(path.dirname(dest), { recursive: true, mode: 0o700 }), `making ${path.dirname(dest)}`);
    await bounded(copyFile(path.join(opts.evidenceDir, seg.file), dest), `copying segment ${seg.id}`);
    const { sha256, bytes } = await sha256File(dest);
    if (sha256 !== seg.sha256 || bytes !== seg.bytes) {
      throw new CasecamError('storage', `evidence file of segment ${seg.id} no longer matches its sealed hash: the store was altered`);
    }
    const seq = segments.filter((s) => s.channel === seg.channel).length;
    segments.push({
      file,
      id: seg.id,
      channel: seg.channel,
      seq,
      start: iso(seg.start),
      end: iso(seg.end),
      bytes,
      sha256,
      sealedAt: iso(seg.sealedAt),
      ...(seg.partial ? { partial: true } : {}),
      ...(seg.recovered ? { recovered: true } : {}),
    });
  }

  const continuous: ManifestContinuous[] = [];
  for (const channel of [...new Set(segments.map((s) => s.channel))]) {
    const mine = segments.filter((s) => s.channel === channel);
    const file = path.posix.join('media', `${channel}.mkv`);
    try {
      await remuxConcat(work, mine.map((s) => s.file), file);
      const { sha256, bytes } = await sha256File(path.join(work, file));
      continuous.push({ file, channel, method: REMUX_METHOD, segments: mine.length, bytes, sha256 });
    } catch (err) {
      await rm(path.join(work, file), { force: true });
      warnings.push(`no continuous file for ${channel}: ${errorMessage(err)}`);
    }
  }

  const until = c.windowEnd ?? clock.now();
  const track = await GpsTrack.window(store, c.windowStart, until);
  const entries = await journal.forCase(caseId);
  const reports = await caseQualityReport({ ...opts, clock, c, rows, entries, segmentsChecked: segments.length, dir: work });
  const manifest: Manifest = ManifestSchema.parse({
    format: BUNDLE_FORMAT,
    exportedAt: iso(clock.now()),
    exportedBy: opts.operator,
    device: { id: c.deviceId, keyFingerprint: key.fingerprint },
    case: caseSection(c, opts.category ?? caseCategory(c, opts.categories)),
    markers: c.markers.map((m) => ({ ...m, at: iso(m.at) })),
    gaps: c.gaps.map((g) => ({ channel: g.channel, from: iso(g.from), to: iso(g.to), seconds: (g.to - g.from) / 1000, cause: g.cause })),
    gpsTrack: track.map((f) => ({ at: iso(f.at), lat: f.lat, lon: f.lon, speedKmh: f.speedKmh, course: f.course })),
    segments,
    continuous,
    evicted: rows
      .filter((r) => r.evictedAt !== undefined)
      .map((r) => ({
        id: r.id,
        channel: r.channel,
        start: iso(r.start),
        end: iso(r.end),
        bytes: r.bytes,
        sha256: r.sha256,
        offloadedAt: r.offloadedAt !== undefined ? iso(r.offloadedAt) : undefined,
        offloadTarget: r.offloadTarget,
        evictedAt: iso(r.evictedAt!),
      })),
    reports,
    journal: { head: { seq: started.seq, hash: started.hash }, entries },
  });

  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const manifestSha256 = sha256Hex(manifestBytes);
  const sums = Buffer.from(sumsText(manifestSha256, sha256Hex(key.publicPem), manifest), 'utf8');
  await bounded(writeFile(path.join(work, BUNDLE_FILES.manifest), manifestBytes, { mode: 0o600 }), 'writing manifest');
  await bounded(writeFile(path.join(work, BUNDLE_FILES.signature), signBytes(key, manifestBytes), { mode: 0o600 }), 'writing signature');
  await bounded(writeFile(path.join(work, BUNDLE_FILES.publicKey), key.publicPem, { mode: 0o600 }), 'writing publicKey');
  await bounded(writeFile(path.join(work, BUNDLE_FILES.sums), sums, { mode: 0o600 }), 'writing sums');
  await bounded(writeFile(path.join(work, BUNDLE_FILES.sumsSignature), signBytes(key, sums), { mode: 0o600 }), 'writing sumsSignature');
  await bounded(privateTree(work), `narrowing the modes in ${work}`);
  await rmdir(outDir).catch(() => undefined); // an empty BUNDLE directory made beforehand
  await rename(work, outDir);

  await journal.append(
    'case.exported',
    { operator: opts.operator, via: opts.via, out: outDir, manifestSha256, segments: segments.length, continuous: continuous.length, keyFingerprint: key.fingerprint },
    { caseIds: [caseId] },
  );
  return { manifest, manifestSha256, outDir, warnings };
}

function caseSection(c: CaseRecord, category: string): Manifest['case'] {
  return {
    id: c.id,
    kind: c.kind,
    category,
    status: c.status,
    openedAt: iso(c.openTrigger.at),
    closedAt: c.closedAt !== undefined ? iso(c.closedAt) : undefined,
    openTrigger: isoTrigger(c.openTrigger),
    closeTrigger: c.closeTrigger ? isoTrigger(c.closeTrigger) : undefined,
    stopReason: c.closeTrigger?.type === 'record.stop' ? c.closeTrigger.reason : undefined,
    windowStart: iso(c.windowStart),
    windowEnd: c.windowEnd !== undefined ? iso(c.windowEnd) : undefined,
    officers: c.officerIds,
    site: c.site,
    unit: c.unit,
    documentsServed: c.closeTrigger?.documents ?? [],
    claims: (c.claims ?? []).map((k) => ({ ...k, from: iso(k.from), to: iso(k.to), at: iso(k.at) })),
  };
}
