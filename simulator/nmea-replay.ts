/**
 * NMEA replay over a pseudo-terminal: socat makes a linked pty pair, the service
 * opens one end (`link`, e.g. `casecam run --gps /tmp/casecam-gps`) with its real
 * serialport path, and the replay writes a recorded NMEA file into the other end,
 * one epoch (all sentences of one fix time) per `intervalMs`.
 *
 * With `restamp` (the default), each epoch's GGA/RMC/ZDA times are rewritten to the
 * present and re-checksummed, so an old recording drives today's clock check and
 * track instead of raising `clock.wrong`.
 */
import { readFile } from 'node:fs/promises';
import { nmeaSentence } from '../src/hw/nmea-gps-state.js';
import { PtyPair, sleep } from './pty-pair.js';

export interface NmeaReplayOptions {
  /** NMEA file, one sentence a line. */
  file: string;
  /** Where the service-side pty appears (a symlink made by socat). */
  link: string;
  intervalMs?: number;
  restamp?: boolean;
  loop?: boolean;
  now?: () => number;
}

/** Split NMEA lines into epochs: a new epoch starts when the fix time (GGA/RMC field 1) changes. */
export function nmeaEpochs(text: string): string[][] {
  const epochs: string[][] = [];
  let current: string[] = [];
  let currentTime: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith('$')) continue;
    const fields = line.split('*')[0]!.split(',');
    const id = fields[0]!.slice(3); // after "$" and the two-letter talker
    const time = id === 'GGA' || id === 'RMC' ? fields[1] : undefined;
    if (time !== undefined && currentTime !== undefined && time !== currentTime && current.length) {
      epochs.push(current);
      current = [];
    }
    if (time !== undefined) currentTime = time;
    current.push(line);
  }
  if (current.length) epochs.push(current);
  return epochs;
}

/** Rewrite a sentence's UTC fields to `at` and recompute its checksum; other sentences pass unchanged. */
export function restampSentence(line: string, at: number): string {
  const body = line.slice(1).split('*')[0]!;
  const fields = body.split(',');
  const id = fields[0]!.slice(2); // after the two-letter talker
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const hms = `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(Math.floor(d.getUTCMilliseconds() / 10))}`;
  const dmy = `${p(d.getUTCDate())}${p(d.getUTCMonth() + 1)}${p(d.getUTCFullYear() % 100)}`;
  if (id === 'GGA' && fields[1]) fields[1] = hms;
  else if (id === 'RMC') {
    if (fields[1]) fields[1] = hms;
    if (fields[9]) fields[9] = dmy;
  } else if (id === 'ZDA' && fields.length >= 5) {
    fields[1] = hms;
    fields[2] = p(d.getUTCDate());
    fields[3] = p(d.getUTCMonth() + 1);
    fields[4] = String(d.getUTCFullYear());
  } else return line;
  return nmeaSentence(fields.join(','));
}

export class NmeaReplay {
  epochsSent = 0;
  private pty: PtyPair | undefined;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(private readonly opts: NmeaReplayOptions) {}

  /** Start socat and the replay loop; resolves once the service-side link exists. */
  async start(): Promise<void> {
    const epochs = nmeaEpochs(await readFile(this.opts.file, 'utf8'));
    if (epochs.length === 0) throw new Error(`${this.opts.file} holds no NMEA sentences`);
    this.pty = await PtyPair.create({ device: this.opts.link });
    this.done = this.run(epochs);
  }

  /** Resolves when the file has been played (never, with `loop`, until stop()). */
  finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done?.catch(() => undefined);
    await this.pty?.close();
  }

  private async run(epochs: string[][]): Promise<void> {
    const now = this.opts.now ?? Date.now;
    do {
      for (const epoch of epochs) {
        if (this.stopped) return;
        const at = now();
        const lines = this.opts.restamp === false ? epoch : epoch.map((l) => restampSentence(l, at));
        await this.pty!.write(lines.map((l) => `${l}\r\n`).join(''));
        this.epochsSent++;
        await sleep(this.opts.intervalMs ?? 1000);
      }
    } while (this.opts.loop && !this.stopped);
  }
}
