/**
 * A minimal strict S3 endpoint for the tests that need what s3rver lacks: ListParts,
 * and refusal of a body whose `x-amz-checksum-sha256` does not match (BadDigest). Only
 * the operations the uploader uses (path-style; no signature check, no auth), kept in
 * memory. It counts every part body it stored, so a test can see a part sent twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';

interface Upload {
  key: string;
  metadata: Record<string, string>;
  parts: Map<number, { body: Buffer; etag: string; sha256: string }>;
}

const xml = (tag: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${tag} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${tag}>`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class StrictS3 {
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string> }>();
  readonly uploads = new Map<string, Upload>();
  /** Every part body stored: [key, part number]. */
  readonly partsStored: Array<[string, number]> = [];
  badDigests = 0;
  listPartsCalls = 0;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<StrictS3> {
    let me!: StrictS3;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => me.handle(req, Buffer.concat(chunks), res));
      req.on('error', () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    me = new StrictS3(server, (server.address() as { port: number }).port);
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
    const upload = q.has('uploadId') ? this.uploads.get(q.get('uploadId')!) : undefined;
    if (q.has('uploadId') && (!upload || upload.key !== key)) return fail(404, 'NoSuchUpload');

    if (req.method === 'POST' && q.has('uploads')) {
      const id = randomUUID();
      this.uploads.set(id, { key, metadata, parts: new Map() });
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
      this.objects.set(key, { body: Buffer.concat(wanted.map((n) => upload.parts.get(n)!.body)), metadata: upload.metadata });
      this.uploads.delete(q.get('uploadId')!);
      return ok(xml('CompleteMultipartUploadResult', `<Bucket>b</Bucket><Key>${esc(key)}</Key><ETag>"x"</ETag>`));
    }
    if (req.method === 'DELETE' && upload) {
      this.uploads.delete(q.get('uploadId')!);
      return void res.writeHead(204).end();
    }
    if (req.method === 'PUT') {
      if (!checksum()) return;
      this.objects.set(key, { body, metadata });
      return ok(undefined, { etag });
    }
    return fail(501, 'NotImplemented');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
