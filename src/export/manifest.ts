/**
 * The case bundle's manifest (format casecam-bundle/2) and the files around it:
 *
 *   manifest.json     this schema; signed as its exact bytes
 *   manifest.sig      raw 64-byte Ed25519 signature over manifest.json
 *   device.pub.pem    the signing key (SPKI PEM); proves nothing until pinned
 *   SHA256SUMS        `sha256sum -c` input: manifest.json, device.pub.pem, every media file
 *   SHA256SUMS.sig    raw Ed25519 signature over SHA256SUMS
 *   media/<channel>/<segment>.mkv   the sealed segments
 *   media/<channel>.mkv             one continuous file per channel, remuxed (stream copy)
 *   quality.json, report.html       the case's quality report (docs/quality.md), in `reports`
 *
 * Times are ISO 8601 UTC strings, except inside `journal.entries`, which are the
 * device's journal entries exactly as hashed (epoch ms).
 */
import { z } from 'zod';
import { JournalEntrySchema } from '../store/journal-record.js';

export const BUNDLE_FORMAT = 'casecam-bundle/2';

export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  signature: 'manifest.sig',
  publicKey: 'device.pub.pem',
  sums: 'SHA256SUMS',
  sumsSignature: 'SHA256SUMS.sig',
} as const;

const Iso = z.iso.datetime({ offset: true });
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** A relative path inside the bundle, under media/, with no way out of it. */
const MediaPath = z
  .string()
  .regex(/^media\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?$/, 'a path under media/')
  .refine((p) => !p.split('/').includes('..'), 'no ".." in bundle paths');

const TriggerOut = z.object({
  type: z.string(),
  source: z.string(),
  at: Iso,
  by: z.string().optional(),
  reason: z.string().optional(),
  documents: z.array(z.string()).optional(),
});

export const ManifestSegmentSchema = z.object({
  file: MediaPath,
  id: z.string(),
  channel: z.string(),
  /** Position within its channel, from 0, in time order. */
  seq: z.number().int().nonnegative(),
  start: Iso,
  end: Iso,
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
  sealedAt: Iso,
  partial: z.boolean().optional(),
  recovered: z.boolean().optional(),
});
export type ManifestSegment = z.infer<typeof ManifestSegmentSchema>;

export const ManifestContinuousSchema = z.object({
  file: MediaPath,
  channel: z.string(),
  /** How it was made: the segments joined by stream copy, never re-encoded. */
  method: z.string(),
  segments: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type ManifestContinuous = z.infer<typeof ManifestContinuousSchema>;

export const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  exportedAt: Iso,
  exportedBy: z.string(),
  device: z.object({ id: z.string(), keyFingerprint: Sha256 }),
  case: z.object({
    id: z.string(),
    kind: z.string(),
    /**
     * The storage category (`incident`, `permit-counter`, …: case-category.ts), which sets
     * the retention class at the centre; covered by the signature like every field.
     * Absent in bundles made before it existed.
     */
    category: z.string().optional(),
    status: z.string(),
    openedAt: Iso,
    closedAt: Iso.optional(),
    openTrigger: TriggerOut,
    closeTrigger: TriggerOut.optional(),
    /** Why the recording stopped early (record.stop), when it did. */
    stopReason: z.string().optional(),
    windowStart: Iso,
    windowEnd: Iso.optional(),
    officers: z.array(z.string()),
    site: z.string().optional(),
    unit: z.string().optional(),
    documentsServed: z.array(z.string()),
    claims: z.array(z.object({ from: Iso, to: Iso, at: Iso, source: z.string(), by: z.string().optional(), reason: z.string().optional() })),
  }),
  markers: z.array(z.object({ at: Iso, type: z.string(), note: z.string().optional(), by: z.string().optional(), source: z.string().optional() })),
  gaps: z.array(z.object({ channel: z.string(), from: Iso, to: Iso, seconds: z.number(), cause: z.string() })),
  gpsTrack: z.array(z.object({ at: Iso, lat: z.number(), lon: z.number(), speedKmh: z.number().optional(), course: z.number().optional() })),
  segments: z.array(ManifestSegmentSchema),
  continuous: z.array(ManifestContinuousSchema),
  /** Segments of the case that retention evicted after their offload: listed, not included. */
  evicted: z.array(
    z.object({ id: z.string(), channel: z.string(), start: Iso, end: Iso, bytes: z.number(), sha256: Sha256, offloadedAt: Iso.optional(), offloadTarget: z.string().optional(), evictedAt: Iso }),
  ),
  /** The quality report's files (absent in bundles made before it existed). */
  reports: z.array(z.object({ file: z.enum(['quality.json', 'report.html']), sha256: Sha256, bytes: z.number().int().nonnegative() })).optional(),
  journal: z.object({
    /** The device journal's last entry when the bundle was made (the export's own entry). */
    head: z.object({ seq: z.number().int().nonnegative(), hash: Sha256 }),
    /** Every journal entry that names the case, as the device holds it. */
    entries: z.array(JournalEntrySchema),
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The exact SHA256SUMS text for a manifest: what `sha256sum -c` checks. */
export function sumsText(manifestSha256: string, publicKeySha256: string, manifest: Pick<Manifest, 'segments' | 'continuous' | 'reports'>): string {
  const rows: Array<[string, string]> = [
    [manifestSha256, BUNDLE_FILES.manifest],
    [publicKeySha256, BUNDLE_FILES.publicKey],
    ...manifest.segments.map((s): [string, string] => [s.sha256, s.file]),
    ...manifest.continuous.map((c): [string, string] => [c.sha256, c.file]),
    ...(manifest.reports ?? []).map((r): [string, string] => [r.sha256, r.file]),
  ];
  return rows.map(([hash, file]) => `${hash}  ${file}\n`).join('');
}
