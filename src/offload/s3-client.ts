/**
 * The S3 client for one endpoint, from the `offload` config. Nothing here is specific
 * to one S3 implementation: AWS S3, MinIO, Ceph and the test server get the same calls.
 */
import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { CasecamError, errorMessage } from '../core/errors.js';
import type { OffloadConfig } from '../config/offload-schema.js';

export type S3Endpoint = Pick<OffloadConfig, 'endpoint' | 'bucket' | 'region' | 'credentialsFile' | 'forcePathStyle' | 'checksumMode'>;

const CredentialsSchema = z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().optional() }).strict();

export async function readCredentials(file: string): Promise<z.infer<typeof CredentialsSchema>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CasecamError('bad-config', `cannot read S3 credentials file ${file}: ${errorMessage(err)}`);
  }
  const r = CredentialsSchema.safeParse(raw);
  if (!r.success) throw new CasecamError('bad-config', `S3 credentials file ${file}: expected {"accessKeyId", "secretAccessKey", "sessionToken"?}`);
  return r.data;
}

export async function makeS3Client(cfg: S3Endpoint): Promise<S3Client> {
  // The SDK warns on stderr (several lines) that releases after January 2027 need Node 22.
  // The version in package-lock.json runs on Node 20, which this project targets; the
  // warning is in docs/offload.md instead of every CLI error output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const credentials = cfg.credentialsFile ? await readCredentials(cfg.credentialsFile) : undefined;
  const mode = cfg.checksumMode === 'when-supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    credentials,
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    // Retries are the uploader's (capped, jittered, persisted); the SDK tries once more at most.
    maxAttempts: 2,
  });
}

/** The S3 error name (`NoSuchUpload`, `NotImplemented`, …), when the server said one. */
export function s3ErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err).name) : undefined;
}
