/**
 * A TCP proxy on 127.0.0.1 that does one thing wrong once, in the middle of a request
 * body, after `afterBytes` bytes have gone upstream in total: `cut` forwards part of the
 * chunk and destroys both sockets (a dropped link mid-part); `corrupt` flips one byte
 * and goes on (damage in transit). Everything else passes unchanged.
 */
import net from 'node:net';

export class FaultProxy {
  cuts = 0;
  private sent = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(upstreamPort: number, afterBytes: number, mode: 'cut' | 'corrupt' = 'cut'): Promise<FaultProxy> {
    const cutAfterBytes = afterBytes;
    let proxy!: FaultProxy;
    const server = net.createServer((client) => {
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      proxy.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        if (proxy.cuts === 0 && proxy.sent + chunk.length > cutAfterBytes && mode === 'corrupt') {
          const bad = Buffer.from(chunk);
          const i = Math.max(0, cutAfterBytes - proxy.sent);
          bad[i] = bad[i]! ^ 0x01;
          proxy.cuts++;
          proxy.sent += chunk.length;
          upstream.write(bad);
          return;
        }
        if (proxy.cuts === 0 && proxy.sent + chunk.length > cutAfterBytes) {
          upstream.write(chunk.subarray(0, Math.max(0, cutAfterBytes - proxy.sent)));
          proxy.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        proxy.sent += chunk.length;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        a.on('end', () => b.end());
        a.on('error', () => b.destroy());
        a.on('close', () => proxy.sockets.delete(a));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
