/**
 * An MQTT broker inside the service (aedes), for the demo and for running without a
 * fleet broker. It listens on loopback only: nothing outside the box can reach it.
 * It speaks MQTT 3.1.1, so the uplink talks 3.1.1 to it.
 *
 * If the wanted port is taken (a system mosquitto on 1883, say), it takes any free
 * port and says which in the log: the service must come up either way.
 */
import net from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../core/logger.js';

export class EmbeddedBroker {
  readonly name = 'embedded-broker';
  readonly phase = 'report' as const;
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  port = 0;

  constructor(private readonly opts: { port: number; host?: string; log: Logger }) {}

  get url(): string {
    return `mqtt://${this.host}:${this.port}`;
  }

  private get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    this.broker = await Aedes.createBroker();
    const server = net.createServer(this.broker.handle);
    this.server = server;
    try {
      this.port = await listen(server, this.opts.port, this.host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.opts.port === 0) throw err;
      this.port = await listen(server, 0, this.host);
      this.opts.log.warn({ wanted: this.opts.port, port: this.port }, 'embedded broker: port taken, using another');
    }
    this.opts.log.info({ url: this.url }, 'embedded MQTT broker listening (loopback only)');
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
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
