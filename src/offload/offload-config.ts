/**
 * The `offload` section of the configuration (docs/offload.md): where closed cases go
 * (an S3-compatible bucket) and how they may get there.
 */
import { z } from 'zod';

/** A category name as it appears in object keys: lower-case letters, digits and "-". */
const CategoryName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", e.g. "permit-counter"');

export const OffloadConfigSchema = z
  .object({
    /** e.g. `https://s3.eu-central-1.amazonaws.com` or `http://minio.local:9000`. */
    endpoint: z.string().url(),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    /** Key prefix; objects go under `<prefix>/<category>/<unit>/<deviceId>/<caseId>/…`. */
    prefix: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'path segments of letters, digits, ".", "_", "-"').default('casecam'),
    region: z.string().min(1).default('us-east-1'),
    /** JSON file `{accessKeyId, secretAccessKey, sessionToken?}` (mode 0600), read at start. */
    credentialsFile: z.string().min(1).optional(),
    /** Path-style URLs (`endpoint/bucket/key`): MinIO, Ceph and most on-premises stores need it. */
    forcePathStyle: z.boolean().default(true),
    /**
     * `when-supported`: the SDK adds CRC checksums to every request (AWS S3).
     * `when-required`: only where the operation demands one; some S3-compatible stores
     * mishandle the SDK's default (the uploader still sends each part's SHA-256).
     */
    checksumMode: z.enum(['when-supported', 'when-required']).default('when-required'),
    /** Files above this many bytes go multipart; parts are this size too (S3: ≥ 5 MiB except the last). */
    partBytes: z.number().int().min(5 * 1024 * 1024).max(512 * 1024 * 1024).default(8 * 1024 * 1024),
    /** Routine uploads are throttled to this rate (0 = unlimited). */
    maxBytesPerSecond: z.number().int().nonnegative().default(0),
    /** Incident cases ignore the cap when this is true. */
    incidentIgnoresCap: z.boolean().default(true),
    /**
     * Routine uploads run only while an interface whose name matches one of these
     * patterns (`*` wildcard, e.g. `eth*`, `wl*`) is up; empty = any network. Incident
     * cases go on any network.
     */
    routineInterfaces: z.array(z.string().regex(/^[A-Za-z0-9*._-]{1,32}$/)).default([]),
    /** The longest interval one `footage.upload` command may ask for. */
    footageMaxSeconds: z.number().int().min(10).max(24 * 3600).default(3600),
    retryInitialMs: z.number().int().min(10).max(60_000).default(1000),
    retryMaxMs: z.number().int().min(100).max(3_600_000).default(300_000),
    /** Case kind → storage category (object key and retention class); unlisted kinds keep their kind. */
    categories: z.record(z.string(), CategoryName).default({}),
    /** Category → retention class (days to keep at the centre), carried in object metadata. */
    retentionDays: z.record(CategoryName, z.number().int().positive()).default({}),
  })
  .strict();

export type OffloadConfig = z.infer<typeof OffloadConfigSchema>;
