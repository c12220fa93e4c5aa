/**
 * N lightweight simulated devices in one process (no GStreamer, no LevelDB), for
 * exercising the fleet board and archive at scale: `casecam simulate fleet`.
 *
 * Each device has its own MQTT connection. That costs a socket per device (1,000 sockets
 * is nothing for mosquitto or Node), but it is the only way each device keeps its own last
 * will: a shared connection would have one will for all, and a device "dying" would not
 * look like it does in the field. Connections are opened a batch at a time so the broker's
 * accept backlog never overflows; one 1 s timer drives every device.
 */
import { Prng } from './prng.js';
import { SimDevice, type Activity } from './sim-device.js';
import type { SimProfile } from './sim-payloads.js';
import type { Inventory } from '../fleet-message.js';

export interface FleetSimOptions {
  broker: string;
  devices: number;
  seed?: number;
  root?: string;
  /** Health period (default 60 s, as on the device). */
  healthSeconds?: number;
  activity?: Activity;
  /** Multiplies the chances of cases, alarms and disconnects (default 1). */
  rate?: number;
  /** Connections opened at once while starting (default 50). */
  connectBatch?: number;
}

const TICK_SLICE = 25;
const UNITS = ['交警一大队', '交警二大队', '运政稽查支队', '行政许可科', '城市客运管理处'];
const SITES = ['南京南站', '禄口机场', '新街口', '一号窗口', '二号窗口', '江北新区'];
const KINDS: Array<[Inventory['kind'], string, number]> = [
  ['vehicle', 'V', 0.5],
  ['counter', 'C', 0.25],
  ['body-worn', 'B', 0.15],
  ['collector', 'D', 0.07],
  ['server', 'S', 0.03],
];

export function simProfiles(n: number, seed: number): SimProfile[] {
  const rng = new Prng(seed);
  const profiles: SimProfile[] = [];
  for (let i = 1; i <= n; i++) {
    let x = rng.next();
    const [kind, code] = KINDS.find(([, , share]) => (x -= share) < 0) ?? KINDS[0]!;
    const id = String(i).padStart(4, '0');
    const year = 2021 + rng.int(0, 5);
    profiles.push({
      deviceId: `SIM-${code}-${id}`,
      kind,
      unit: rng.pick(UNITS),
      site: rng.pick(SITES),
      plate: kind === 'vehicle' ? `苏A·${String(rng.int(10000, 99999))}` : null,
      model: { vehicle: 'VR-4', counter: 'CT-2', 'body-worn': 'BW-7', collector: 'DC-1', server: 'SRV-1' }[kind],
      serial: `SN${seed}-${id}`,
      provisionedAt: `${year}-0${rng.int(1, 10)}-1${rng.int(0, 10)}`,
      maintenanceDueAt: `2026-${String(rng.int(1, 13)).padStart(2, '0')}-15`,
      replaceBy: `${year + 6}-06-30`,
      storageTotalBytes: kind === 'server' ? 8e12 : kind === 'body-worn' ? 64e9 : 512e9,
      channels: kind === 'vehicle' ? ['front', 'cabin'] : kind === 'server' ? [] : ['main'],
      home: { lat: 32.0 + rng.next() * 0.2, lon: 118.7 + rng.next() * 0.2 },
    });
  }
  return profiles;
}

export class FleetSimulator {
  readonly devices: SimDevice[];
  activity: Activity;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly opts: FleetSimOptions) {
    const seed = opts.seed ?? 1;
    const rng = new Prng(seed ^ 0x5bd1e995);
    const now = Date.now();
    this.activity = opts.activity ?? 'mixed';
    this.devices = simProfiles(opts.devices, seed).map(
      (p) => new SimDevice(p, new Prng(rng.int(0, 2 ** 31)), { broker: opts.broker, root: opts.root ?? 'casecam', healthMs: (opts.healthSeconds ?? 60) * 1000, rate: opts.rate ?? 1 }, now),
    );
  }

  /** Connects every device (a batch at a time) and starts the shared tick. */
  async start(): Promise<void> {
    const batch = this.opts.connectBatch ?? 50;
    for (let i = 0; i < this.devices.length; i += batch) {
      await Promise.all(this.devices.slice(i, i + batch).map((d) => d.connect()));
    }
    this.timer = setInterval(() => void this.tick(), 1000);
  }

  /**
   * One second of every device, in slices with the event loop free in between: 1,000 real
   * devices do not share one loop turn, and a message's `ts` (its publish time) must not
   * include the time the simulator spent on the devices before it.
   */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (let i = 0; i < this.devices.length; i += TICK_SLICE) {
        const now = Date.now();
        for (const d of this.devices.slice(i, i + TICK_SLICE)) d.tick(now, this.activity);
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.ticking = false;
    }
  }

  connected(): number {
    return this.devices.filter((d) => d.client?.connected).length;
  }

  published(): number {
    return this.devices.reduce((n, d) => n + d.published, 0);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.devices.map((d) => d.stop()));
  }
}
