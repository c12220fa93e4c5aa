/**
 * A real S3-compatible server for one test: s3rver 3.7.1 on a free 127.0.0.1 port with
 * its own directory and one bucket. What it lacks (ListParts, checksum refusal) is
 * noted where a test depends on it; see docs/offload.md.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { freePort } from './mosquitto.js';
import { makeS3Client } from '../../src/offload/s3-client.js';
import { OffloadConfigSchema, type OffloadConfig } from '../../src/config/offload-schema.js';

export class S3Server {
  private constructor(
    private readonly server: S3rver,
    readonly dir: string,
    readonly port: number,
    readonly bucket: string,
    readonly credentialsFile: string,
  ) {}

  static async start(bucket = 'evidence'): Promise<S3Server> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 's3rver-'));
    const port = await freePort();
    const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: dir, configureBuckets: [{ name: bucket }], vhostBuckets: false });
    await server.run();
    // s3rver accepts any signature; the SDK needs credentials to sign with.
    const credentialsFile = path.join(await mkdtemp(path.join(os.tmpdir(), 's3creds-')), 'credentials.json');
    await writeFile(credentialsFile, JSON.stringify({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), { mode: 0o600 });
    return new S3Server(server, dir, port, bucket, credentialsFile);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An `offload` config section for this server (s3rver accepts any credentials). */
  offloadConfig(extra: Partial<OffloadConfig> = {}): OffloadConfig {
    return OffloadConfigSchema.parse({ endpoint: this.endpoint, bucket: this.bucket, prefix: 'casecam', credentialsFile: this.credentialsFile, forcePathStyle: true, retryInitialMs: 100, retryMaxMs: 1000, ...extra });
  }

  client(): Promise<S3Client> {
    return makeS3Client(this.offloadConfig());
  }

  async keys(s3: S3Client, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      out.push(...(r.Contents ?? []).map((c) => c.Key!));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async get(s3: S3Client, key: string): Promise<Buffer> {
    const r = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  }

  async metadata(s3: S3Client, key: string): Promise<Record<string, string>> {
    return (await s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).Metadata ?? {};
  }

  /** Overwrite an object (tampering, as someone with write access to the bucket could). */
  async put(s3: S3Client, key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, Metadata: metadata }));
  }

  async stop(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
    await rm(path.dirname(this.credentialsFile), { recursive: true, force: true });
  }
}
