/**
 * `casecam fleet serve`: a static web board. The page connects to the broker itself over
 * MQTT-over-WebSockets (read-only subscriptions), so this server holds no fleet state and
 * needs no build step beyond the project's own tsc:
 *   /                     the page (src/fleet/web/index.html)
 *   /config.json          the broker's WebSocket URL and topic root
 *   /vendor/mqtt.esm.js   mqtt's browser bundle (node_modules/mqtt/dist)
 *   /vendor/zod/…         zod's ESM files (the contract schemas run in the page too)
 *   /app/…                the compiled fleet model and page script (dist/src/…)
 * Only GET/HEAD of .js/.html files below those roots; a path that would leave its root is 404.
 */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/logger.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ROOTS: Record<string, string> = {
  '/vendor/zod/': path.join(REPO, 'node_modules/zod/'),
  '/app/': path.join(REPO, 'dist/src/'),
};
const FILES: Record<string, string> = {
  '/': path.join(REPO, 'src/fleet/web/index.html'),
  '/index.html': path.join(REPO, 'src/fleet/web/index.html'),
  '/vendor/mqtt.esm.js': path.join(REPO, 'node_modules/mqtt/dist/mqtt.esm.js'),
};
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8' };

export interface WebBoardOptions {
  brokerWs: string;
  port: number;
  host?: string;
  root?: string;
  log: Logger;
}

export class FleetWebServer {
  private server: http.Server | undefined;
  port = 0;

  constructor(private readonly opts: WebBoardOptions) {}

  private resolve(urlPath: string): string | undefined {
    if (FILES[urlPath]) return FILES[urlPath];
    for (const [prefix, dir] of Object.entries(ROOTS)) {
      if (!urlPath.startsWith(prefix)) continue;
      const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
      if (!file.startsWith(dir) || !(path.extname(file) in TYPES)) return undefined;
      return file;
    }
    return undefined;
  }

  async start(): Promise<void> {
    const config = JSON.stringify({ brokerWs: this.opts.brokerWs, root: this.opts.root ?? 'casecam' });
    this.server = http.createServer((req, res) => {
      void (async () => {
        const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405).end();
          return;
        }
        if (urlPath === '/config.json') {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(config);
          return;
        }
        const file = this.resolve(urlPath);
        const body = file ? await readFile(file).catch(() => undefined) : undefined;
        if (!file || !body) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)]!, 'x-content-type-options': 'nosniff' }).end(req.method === 'HEAD' ? undefined : body);
      })().catch((err: unknown) => {
        this.opts.log.error({ err }, 'web board request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
