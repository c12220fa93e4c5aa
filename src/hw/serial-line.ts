/**
 * A serial device read as text lines, that never gives up and never crashes the
 * service: the shared base of the GPS and the barcode scanner.
 *
 * Invariants:
 * - Every fault (open failure, unplug, read error, garbage, over-long or partial
 *   line) is logged, counted in `stats`, and followed by a retry with backoff when
 *   the port is gone. Nothing is thrown to the caller after start().
 * - A line reaches `onLine` only whole (ended by CR, LF or CR LF), valid UTF-8, free of
 *   control characters, and at most `maxLineBytes` long. Wrong baud rates show up as
 *   such garbage and are dropped.
 * - A partial line (no end within `partialLineMs`, or cut by an unplug) is dropped.
 * - Bad input (garbage, over-long and partial lines) is logged at most once per
 *   `summaryMs`: the first one at once, the rest counted and logged as one summary line
 *   when the interval ends (a wrong baud rate makes several such lines a second).
 */
import { createRequire } from 'node:module';
import type { SerialPort as SerialPortClass } from 'serialport';
import type { Logger } from '../core/logger.js';
import { CasecamError, errorMessage } from '../core/errors.js';

export interface SerialLineOptions {
  name: string;
  path: string;
  baudRate: number;
  log: Logger;
  onLine: (line: string) => void;
  maxLineBytes?: number;
  partialLineMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** At most one log line about bad input per this many ms (default 10 s). */
  summaryMs?: number;
}

type InputFault = 'garbage' | 'overlong' | 'partial';
const INPUT_FAULTS: readonly string[] = ['garbage', 'overlong', 'partial'];

export interface SerialLineStats {
  connected: boolean;
  lines: number;
  opens: number;
  reconnects: number;
  errors: { open: number; io: number; garbage: number; overlong: number; partial: number };
  lastError?: string;
}

/**
 * serialport (with its native binding, ~18 MB and 0.1 s CPU at start) is loaded on the
 * first open: a box without serial devices never loads it.
 */
const requireLazy = createRequire(import.meta.url);
let serialPortClass: typeof SerialPortClass | undefined;
function serialPort(): typeof SerialPortClass {
  serialPortClass ??= (requireLazy('serialport') as { SerialPort: typeof SerialPortClass }).SerialPort;
  return serialPortClass;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/u;

export class SerialLine {
  readonly stats: SerialLineStats = {
    connected: false,
    lines: 0,
    opens: 0,
    reconnects: 0,
    errors: { open: 0, io: 0, garbage: 0, overlong: 0, partial: 0 },
  };
  private port: SerialPortClass | undefined;
  private buffer = Buffer.alloc(0);
  private skippingOverlong = false;
  private stopped = true;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  /** Bad input seen since the last log line about it; the timer ends the interval. */
  private unlogged: Partial<Record<InputFault, number>> = {};
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SerialLineOptions) {
    this.retryMs = opts.retryInitialMs ?? 250;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.partialTimer);
    this.logSummary();
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.stats.connected = false;
  }

  private open(): void {
    if (this.stopped) return;
    const { log, name, path, baudRate } = this.opts;
    const port = new (serialPort())({ path, baudRate, autoOpen: false });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', (err) => this.fault('io', err));
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.stats.connected = false;
      this.dropPartial('port closed mid-line');
      if (!this.stopped) {
        log.warn({ device: name, path }, 'serial device gone; reconnecting');
        this.scheduleRetry();
      }
    });
    port.open((err) => {
      if (this.port !== port) {
        // stop() came while the open was in flight: do not leak the descriptor.
        if (!err) port.close();
        return;
      }
      if (err) {
        this.port = undefined;
        this.fault('open', err);
        this.scheduleRetry();
        return;
      }
      if (this.stopped) {
        port.close();
        return;
      }
      this.stats.opens++;
      if (this.stats.opens > 1) this.stats.reconnects++;
      this.stats.connected = true;
      this.retryMs = this.opts.retryInitialMs ?? 250;
      log.info({ device: name, path, baudRate }, 'serial device open');
    });
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => this.open(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs ?? 5000);
  }

  private fault(kind: keyof SerialLineStats['errors'], err: unknown): void {
    this.stats.errors[kind]++;
    this.stats.lastError = `${kind}: ${errorMessage(err)}`;
    if (INPUT_FAULTS.includes(kind)) return this.inputFault(kind as InputFault, err);
    // Open failures repeat every retry while a device is unplugged: keep them at debug after the first.
    const level = kind === 'open' && this.stats.errors.open > 1 ? 'debug' : 'warn';
    this.opts.log[level]({ device: this.opts.name, path: this.opts.path, kind, error: errorMessage(err), count: this.stats.errors[kind] }, 'serial input error');
  }

  /** Log the first bad input of an interval at once; count the rest for the summary. */
  private inputFault(kind: InputFault, err: unknown): void {
    if (this.summaryTimer) {
      this.unlogged[kind] = (this.unlogged[kind] ?? 0) + 1;
      return;
    }
    const { name, path } = this.opts;
    this.opts.log.warn({ device: name, path, kind, error: errorMessage(err), count: this.stats.errors[kind] }, 'serial input error');
    this.armSummary();
  }

  private armSummary(): void {
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      if (this.logSummary()) this.armSummary();
    }, this.opts.summaryMs ?? 10_000);
    this.summaryTimer.unref();
  }

  /** One line for the bad input counted since the last; true if there was any. */
  private logSummary(): boolean {
    const counts = this.unlogged;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) return false;
    this.unlogged = {};
    const seconds = (this.opts.summaryMs ?? 10_000) / 1000;
    this.opts.log.warn(
      { device: this.opts.name, path: this.opts.path, dropped: counts, totals: { ...this.stats.errors }, lastError: this.stats.lastError },
      `serial input: ${total} more bad lines dropped in the last ${seconds} s (wrong baud rate or noise?)`,
    );
    return true;
  }

  private onData(chunk: Buffer): void {
    const max = this.opts.maxLineBytes ?? 256;
    let data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (let nl = lineEnd(data); nl !== -1; nl = lineEnd(data)) {
      const raw = data.subarray(0, nl);
      data = data.subarray(nl + 1);
      if (this.skippingOverlong) {
        this.skippingOverlong = false;
        continue;
      }
      this.acceptLine(raw, max);
    }
    if (data.length > max) {
      if (!this.skippingOverlong) this.fault('overlong', new Error(`more than ${max} bytes without a line end`));
      this.skippingOverlong = true;
      data = Buffer.alloc(0);
    }
    this.buffer = Buffer.from(data);
    clearTimeout(this.partialTimer);
    if (this.buffer.length) {
      this.partialTimer = setTimeout(() => this.dropPartial('no line end in time'), this.opts.partialLineMs ?? 2000);
      this.partialTimer.unref();
    }
  }

  private acceptLine(bytes: Buffer, max: number): void {
    if (bytes.length === 0) return; // the LF of a CR LF, or a blank line
    if (bytes.length > max) return this.fault('overlong', new Error(`line of ${bytes.length} bytes (max ${max})`));
    const line = bytes.toString('utf8');
    if (CONTROL.test(line)) return this.fault('garbage', new Error(`unreadable line (${bytes.length} bytes; wrong baud rate?)`));
    this.stats.lines++;
    try {
      this.opts.onLine(line);
    } catch (err) {
      this.opts.log.error({ err, device: this.opts.name }, 'serial line handler failed');
    }
  }

  private dropPartial(why: string): void {
    clearTimeout(this.partialTimer);
    if (this.buffer.length && !this.skippingOverlong) this.fault('partial', new Error(`${this.buffer.length} bytes dropped: ${why}`));
    this.buffer = Buffer.alloc(0);
    this.skippingOverlong = false;
  }
}

/** Index of the first CR or LF: scanners often end a code with CR alone, NMEA with CR LF. */
function lineEnd(data: Buffer): number {
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a || data[i] === 0x0d) return i;
  return -1;
}

/** `PATH[:BAUD]` as given on the command line. */
export function parseSerialSpec(spec: string, defaultBaud: number): { path: string; baudRate: number } {
  const m = /^(.+?)(?::(\d+))?$/.exec(spec.trim());
  if (!m || !m[1]) throw new CasecamError('usage', `not a serial device: "${spec}" (expected PATH[:BAUD])`);
  return { path: m[1], baudRate: m[2] ? Number(m[2]) : defaultBaud };
}
