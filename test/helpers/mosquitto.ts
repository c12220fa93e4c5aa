/**
 * A real mosquitto for one test: its own config in a temp directory, on a free
 * 127.0.0.1 port, optionally with a password file (made with mosquitto_passwd -b) and
 * an ACL file. `restart()` keeps the port and persistence; `kill()` is SIGKILL.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MosquittoOptions {
  users?: Record<string, string>;
  /** ACL file text (mosquitto acl_file syntax). */
  acl?: string;
  /** Keep sessions and retained messages across restart() (persistence on disk). */
  persistence?: boolean;
  /** A TLS listener (mqtts://) with these PEM files; clients must present a certificate signed by `ca`. */
  tls?: { ca: string; cert: string; key: string };
  /** Configuration lines added after the listener (e.g. the ones `casecam registry broker` writes). */
  extraLines?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class Mosquitto {
  private proc: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly confFile: string,
    private readonly tls: boolean,
    private readonly tlsByLines = false,
  ) {}

  get url(): string {
    return `${this.tls || this.tlsByLines ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  static async start(opts: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mosq-'));
    const port = await freePort();
    // Run as whoever runs the test (as root, mosquitto would switch to the "mosquitto" user and could not read the temp dir).
    const lines = [`user ${os.userInfo().username}`, `listener ${port} 127.0.0.1`, 'log_dest stderr', 'log_type error', 'log_type warning', 'max_queued_messages 100000', 'max_inflight_messages 0', 'set_tcp_nodelay true'];
    if (opts.tls) lines.push(`cafile ${opts.tls.ca}`, `certfile ${opts.tls.cert}`, `keyfile ${opts.tls.key}`, 'require_certificate true');
    if (opts.persistence) lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1');
    if (opts.users) {
      const pw = path.join(dir, 'passwd');
      await writeFile(pw, '');
      for (const [user, pass] of Object.entries(opts.users)) await run('mosquitto_passwd', ['-b', pw, user, pass]);
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (opts.acl !== undefined) {
      const acl = path.join(dir, 'acl');
      await writeFile(acl, opts.acl);
      lines.push(`acl_file ${acl}`);
    }
    if (opts.extraLines) lines.push(...opts.extraLines);
    const confFile = path.join(dir, 'mosquitto.conf');
    await writeFile(confFile, lines.join('\n') + '\n');
    const m = new Mosquitto(dir, port, confFile, opts.tls !== undefined, opts.extraLines?.some((l) => l.startsWith('certfile ')) ?? false);
    await m.launch();
    return m;
  }

  async launch(): Promise<void> {
    const proc = spawn('mosquitto', ['-c', this.confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-4000)));
    // Bounded wait for the port to accept connections.
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
  }

  /** Graceful stop (SIGTERM): with persistence on, sessions and retained messages are saved. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(sig);
    await exited;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
