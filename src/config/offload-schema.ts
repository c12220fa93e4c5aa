/**
 * The `offload` section of the configuration (docs/offload.md): where closed cases go
 * (an S3-compatible bucket) and how they may get there. Descriptions feed the generated
 * table in docs/configuration.md.
 */
import { z } from 'zod';

/** A category name as it appears in object keys: lower-case letters, digits and "-". */
const CategoryName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", e.g. "permit-counter"');

export const OffloadConfigSchema = z.strictObject({
  endpoint: z.string().url().meta({ docType: 'URL', description: 'the S3-compatible service, e.g. `https://s3.eu-central-1.amazonaws.com`, `http://minio.local:9000`' }),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').meta({ description: 'the bucket' }),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'path segments of letters, digits, ".", "_", "-"')
    .default('casecam')
    .meta({ description: 'first key levels: objects go under `<prefix>/<category>/<unit>/<deviceId>/<caseId>/…`' }),
  region: z.string().min(1).default('us-east-1').meta({ description: 'the S3 region' }),
  credentialsFile: z.string().min(1).optional().meta({ docType: 'path', docDefault: 'the SDK default chain', description: 'JSON `{accessKeyId, secretAccessKey, sessionToken?}` (mode 0600), read at start' }),
  forcePathStyle: z.boolean().default(true).meta({ description: 'path-style URLs (`endpoint/bucket/key`): MinIO, Ceph and most on-premises stores need it; `false` for virtual-host AWS buckets' }),
  checksumMode: z
    .enum(['when-supported', 'when-required'])
    .default('when-required')
    .meta({ description: "`when-supported`: the SDK adds CRC checksums to every request (AWS S3); some S3-compatible stores mishandle that. Each part's SHA-256 is sent either way" }),
  partBytes: z.number().int().min(5 * 1024 * 1024).max(512 * 1024 * 1024).default(8 * 1024 * 1024).meta({ docType: 'bytes, 5 MiB–512 MiB', description: 'files above this go multipart, in parts of this size' }),
  maxBytesPerSecond: z.number().int().nonnegative().default(0).meta({ docType: 'bytes/s', description: 'bandwidth cap for routine uploads; 0 = none' }),
  incidentIgnoresCap: z.boolean().default(true).meta({ description: 'incident cases upload above the cap' }),
  routineInterfaces: z
    .array(z.string().regex(/^[A-Za-z0-9*._-]{1,32}$/))
    .default([])
    .meta({ description: 'routine uploads run only while an interface matching one of these (`*` wildcard, e.g. `eth*`, `wl*`) is up; empty = any network; incidents go on any network' }),
  footageMaxSeconds: z.number().int().min(10).max(24 * 3600).default(3600).meta({ description: 'the longest interval one `footage.upload` may ask for' }),
  retryInitialMs: z.number().int().min(10).max(60_000).default(1000).meta({ description: 'first retry delay of a failed upload (doubling, jittered)' }),
  retryMaxMs: z.number().int().min(100).max(3_600_000).default(300_000).meta({ description: 'retry delay cap' }),
  categories: z.record(z.string(), CategoryName).default({}).meta({ docType: 'map', description: 'case kind → storage category (object key, retention class); unlisted kinds keep their kind' }),
  retentionDays: z.record(CategoryName, z.number().int().positive()).default({}).meta({ docType: 'map', description: 'category → days to keep at the centre (object metadata, receipt; the retain-until date with `objectLock`)' }),
  objectLock: z
    .enum(['off', 'governance', 'compliance'])
    .default('off')
    .meta({
      description:
        'S3 Object Lock on each object: `governance` or `compliance` sets retain-until (upload time + `retentionDays` of its category) in that mode, and a legal hold on incident cases; the bucket must have Object Lock enabled. `off`: no lock parameters (stores without Object Lock refuse them)',
    }),
});

export type OffloadConfig = z.infer<typeof OffloadConfigSchema>;
