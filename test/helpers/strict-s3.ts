/**
 * A minimal strict S3 endpoint for the tests that need what s3rver lacks: ListParts,
 * refusal of a body whose `x-amz-checksum-sha256` does not match (BadDigest), and S3
 * Object Lock. Only the operations the uploader uses (path-style; no signature check, no
 * auth), kept in memory. It counts every part body it stored, so a test can see a part
 * sent twice.
 *
 * Object Lock as AWS S3 judges it: lock parameters (`x-amz-object-lock-mode`,
 * `-retain-until-date`, `-legal-hold`) on a PutObject or CreateMultipartUpload are refused
 * (InvalidRequest) when the bucket was not made with Object Lock (`objectLock: false`, the
 * default), a mode without a date (or the reverse) or a date in the past is refused
 * (InvalidArgument), and a PutObject with lock parameters needs a checksum header. What
 * arrives is kept with the object (`objects.get(key).lock`); GetObjectLockConfiguration
 * answers as such a bucket would.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';

export interface LockHeaders {
  mode?: string;
  retainUntil?: string;
  legalHold?: string;
}

interface Upload {
  key: string;
  metadata: Record<string, string>;
  lock: LockHeaders;
  parts: Map<number, { body: Buffer; etag: string; sha256: string }>;
}

const xml = (tag: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${tag} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${tag}>`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class StrictS3 {
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string>; lock: LockHeaders }>();
  readonly uploads = new Map<string, Upload>();
  /** Every part body stored: [key, part number]. */
  readonly partsStored: Array<[string, number]> = [];
  badDigests = 0;
  listPartsCalls = 0;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    /** The bucket was made with Object Lock enabled. */
    readonly objectLock: boolean,
  ) {}

  static async start(opts: { objectLock?: boolean } = {}): Promise<StrictS3> {
    let me!: StrictS3;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => me.handle(req, Buffer.concat(chunks), res));
      req.on('error', () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    me = new StrictS3(server, (server.address() as { port: number }).port, opts.objectLock === true);
    return me;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    const q = url.searchParams;
    const fail = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/xml' }).end(xml('Error', `<Code>${code}</Code><Message>${code}</Message>`));
    };
    const ok = (inner?: string, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': 'application/xml', ...headers }).end(inner ?? '');
    };
    const checksum = () => {
      const sent = req.headers['x-amz-checksum-sha256'];
      const actual = createHash('sha256').update(body).digest('base64');
      if (typeof sent === 'string' && sent !== actual) {
        this.badDigests++;
        fail(400, 'BadDigest');
        return undefined;
      }
      return actual;
    };
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const metadata = Object.fromEntries(Object.entries(req.headers).filter(([h]) => h.startsWith('x-amz-meta-')).map(([h, v]) => [h.slice(11), String(v)]));
    const header = (h: string) => (typeof req.headers[h] === 'string' ? req.headers[h] : undefined);
    const lock: LockHeaders = Object.fromEntries(
      Object.entries({ mode: header('x-amz-object-lock-mode'), retainUntil: header('x-amz-object-lock-retain-until-date'), legalHold: header('x-amz-object-lock-legal-hold') }).filter(([, v]) => v !== undefined),
    );
    /** The refusal AWS S3 gives to these lock parameters, if any. */
    const lockRefusal = (): [number, string] | undefined => {
      if (Object.keys(lock).length === 0) return undefined;
      if (!this.objectLock) return [400, 'InvalidRequest'];
      if ((lock.mode === undefined) !== (lock.retainUntil === undefined)) return [400, 'InvalidArgument'];
      if (lock.mode !== undefined && !['GOVERNANCE', 'COMPLIANCE'].includes(lock.mode)) return [400, 'InvalidArgument'];
      if (lock.retainUntil !== undefined && !(Date.parse(lock.retainUntil) > Date.now())) return [400, 'InvalidArgument'];
      if (lock.legalHold !== undefined && !['ON', 'OFF'].includes(lock.legalHold)) return [400, 'InvalidArgument'];
      return undefined;
    };
    if (req.method === 'GET' && q.has('object-lock')) {
      if (!this.objectLock) return fail(404, 'ObjectLockConfigurationNotFoundError');
      return ok(xml('ObjectLockConfiguration', '<ObjectLockEnabled>Enabled</ObjectLockEnabled>'));
    }
    const upload = q.has('uploadId') ? this.uploads.get(q.get('uploadId')!) : undefined;
    if (q.has('uploadId') && (!upload || upload.key !== key)) return fail(404, 'NoSuchUpload');

    if (req.method === 'POST' && q.has('uploads')) {
      const refused = lockRefusal();
      if (refused) return fail(...refused);
      const id = randomUUID();
      this.uploads.set(id, { key, metadata, lock, parts: new Map() });
      return ok(xml('InitiateMultipartUploadResult', `<Bucket>b</Bucket><Key>${esc(key)}</Key><UploadId>${id}</UploadId>`));
    }
    if (req.method === 'PUT' && upload) {
      const sha256 = checksum();
      if (!sha256) return;
      const n = Number(q.get('partNumber'));
      upload.parts.set(n, { body, etag, sha256 });
      this.partsStored.push([key, n]);
      return ok(undefined, { etag, 'x-amz-checksum-sha256': sha256 });
    }
    if (req.method === 'GET' && upload) {
      this.listPartsCalls++;
      const parts = [...upload.parts].sort(([a], [b]) => a - b).map(([n, p]) => `<Part><PartNumber>${n}</PartNumber><ETag>${esc(p.etag)}</ETag><Size>${p.body.length}</Size><ChecksumSHA256>${p.sha256}</ChecksumSHA256></Part>`);
      return ok(xml('ListPartsResult', `<Bucket>b</Bucket><Key>${esc(key)}</Key><UploadId>${q.get('uploadId')}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}`));
    }
    if (req.method === 'POST' && upload) {
      const wanted = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
      if (wanted.some((n) => !upload.parts.has(n))) return fail(400, 'InvalidPart');
      this.objects.set(key, { body: Buffer.concat(wanted.map((n) => upload.parts.get(n)!.body)), metadata: upload.metadata, lock: upload.lock });
      this.uploads.delete(q.get('uploadId')!);
      return ok(xml('CompleteMultipartUploadResult', `<Bucket>b</Bucket><Key>${esc(key)}</Key><ETag>"x"</ETag>`));
    }
    if (req.method === 'DELETE' && upload) {
      this.uploads.delete(q.get('uploadId')!);
      return void res.writeHead(204).end();
    }
    if (req.method === 'PUT') {
      const refused = lockRefusal();
      if (refused) return fail(...refused);
      // AWS: a PutObject with lock parameters must carry Content-MD5 or a checksum header.
      if (Object.keys(lock).length > 0 && !header('content-md5') && !Object.keys(req.headers).some((h) => h.startsWith('x-amz-checksum-'))) return fail(400, 'InvalidRequest');
      if (!checksum()) return;
      this.objects.set(key, { body, metadata, lock });
      return ok(undefined, { etag });
    }
    return fail(501, 'NotImplemented');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
