/**
 * An MQTT broker inside the service (aedes), for the demo and for running without a
 * fleet broker. It listens on loopback only: nothing outside the box can reach it.
 * It speaks MQTT 3.1.1, so the uplink talks 3.1.1 to it.
 *
 * If the wanted port is taken (a system mosquitto on 1883, say), it takes any free
 * port and says which in the log: the service must come up either way.
 *
 * Invariants (other local users share the loopback interface):
 * - Every client logs in with the credentials in `<dataDir>/embedded-broker.json`
 *   (0600, made at the first start, see broker-credentials.ts); others are refused.
 * - A packet longer than `maxPacketBytes` ends its connection before it is buffered.
 * - No retained message on a `cmd` topic (it would replay a command on every
 *   subscribe). Retained messages are at most `maxRetainedBytes` each on at most
 *   `maxRetainedTopics` topics, so what the broker keeps in memory is bounded; a publish
 *   beyond that ends the publisher's connection (MQTT 3.1.1 has no refusal for it).
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from '../core/logger.js';
import { loadOrCreateBrokerCredentials, credentialsPath, type BrokerCredentials } from './broker-credentials.js';
import { PacketSizeGuard, PacketTooLarge } from './packet-size-guard.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  log: Logger;
  /** Where the credentials file lives (the service's data directory). */
  dataDir: string;
  /** Default 256 KiB: commands are at most 16 KiB, reports a few KiB. */
  maxPacketBytes?: number;
  /** Default 64 KiB per retained message. */
  maxRetainedBytes?: number;
  /** Default 256 retained topics (a device keeps three: status, state, inventory). */
  maxRetainedTopics?: number;
}

export class EmbeddedBroker {
  readonly name = 'embedded-broker';
  readonly phase = 'report' as const;
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  private creds: BrokerCredentials | undefined;
  private readonly retained = new Set<string>();
  port = 0;

  constructor(private readonly opts: EmbeddedBrokerOptions) {}

  get url(): string {
    return `mqtt://${this.host}:${this.port}`;
  }

  /** The login every client needs; known once started. */
  get credentials(): BrokerCredentials {
    if (!this.creds) throw new Error('embedded broker not started');
    return this.creds;
  }

  private get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    const { log } = this.opts;
    const { credentials, created, narrowed } = await loadOrCreateBrokerCredentials(this.opts.dataDir);
    this.creds = credentials;
    const file = credentialsPath(this.opts.dataDir);
    if (created) log.info({ file }, 'embedded broker: credentials created (casecam broker credentials shows them)');
    if (narrowed) log.warn({ file }, 'embedded broker: credentials file was readable by others; narrowed to 0600 (delete it to make a new password)');
    this.retained.clear();
    this.broker = await Aedes.createBroker(this.aedesOptions(credentials));
    const maxPacket = this.opts.maxPacketBytes ?? 256 * 1024;
    const server = net.createServer((socket) => {
      const guard = new PacketSizeGuard(maxPacket);
      const conn = Duplex.from({ readable: guard, writable: socket });
      const remote = `${socket.remoteAddress}:${socket.remotePort}`;
      const drop = (err: Error) => {
        if (err instanceof PacketTooLarge) log.warn({ remote, error: err.message }, 'embedded broker: connection dropped');
        conn.destroy();
        socket.destroy();
      };
      guard.on('error', drop);
      socket.on('error', () => conn.destroy());
      socket.pipe(guard);
      this.broker?.handle(conn);
    });
    this.server = server;
    try {
      this.port = await listen(server, this.opts.port, this.host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.opts.port === 0) throw err;
      this.port = await listen(server, 0, this.host);
      log.warn({ wanted: this.opts.port, port: this.port }, 'embedded broker: port taken, using another');
    }
    log.info({ url: this.url, maxPacketBytes: maxPacket }, 'embedded MQTT broker listening (loopback only, login required)');
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private aedesOptions(creds: BrokerCredentials): AedesOptions {
    const { log } = this.opts;
    const maxRetainedBytes = this.opts.maxRetainedBytes ?? 64 * 1024;
    const maxRetainedTopics = this.opts.maxRetainedTopics ?? 256;
    return {
      authenticate: (client, username, password, done) => {
        const ok = username === creds.username && password !== undefined && sameSecret(password, creds.password);
        if (ok) return done(null, true);
        log.warn({ clientId: client.id, username: username?.slice(0, 64) }, 'embedded broker: login refused');
        const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
        done(err, false);
      },
      authorizePublish: (client, packet, done) => {
        if (!client || !packet.retain) return done(null);
        const refuse = (why: string) => {
          log.warn({ clientId: client.id, topic: packet.topic.slice(0, 200), bytes: packet.payload.length }, `embedded broker: retained publish refused: ${why}`);
          done(new Error(why));
        };
        if (packet.topic.split('/').includes('cmd')) return refuse('no retained messages on cmd topics');
        const bytes = packet.payload.length;
        if (bytes > maxRetainedBytes) return refuse(`retained message over ${maxRetainedBytes} bytes`);
        if (bytes === 0) this.retained.delete(packet.topic);
        else if (!this.retained.has(packet.topic)) {
          if (this.retained.size >= maxRetainedTopics) return refuse(`more than ${maxRetainedTopics} retained topics`);
          this.retained.add(packet.topic);
        }
        done(null);
      },
    };
  }
}

/** Constant-time comparison (through hashes, so the lengths need not match). */
function sameSecret(given: Buffer, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
