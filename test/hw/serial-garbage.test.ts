/**
 * Garbage on a serial line (a wrong baud rate reads as several bad lines a second) is
 * counted, and logged once at once and then as one summary per interval, not one
 * warning per line. Real serialport on a socat pseudo-terminal pair.
 */
import test from 'ava';
import { pino } from 'pino';
import { SerialLine } from '../../src/hw/serial-line.js';
import { PtyPair } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';

interface LogRecord {
  level: number;
  msg: string;
  kind?: string;
  dropped?: Record<string, number>;
}

test('200 garbage lines: counted, one warning at once, then one summary line with the count', async (t) => {
  const records: LogRecord[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  const pty = await PtyPair.create();
  const lines: string[] = [];
  const serial = new SerialLine({ name: 'gps', path: pty.device, baudRate: 9600, log, onLine: (l) => void lines.push(l), summaryMs: 2000 });
  try {
    serial.start();
    t.true(await until(() => serial.stats.connected, 30_000), 'port open');
    const garbage = Buffer.from([0xff, 0xfe, 0x80, 0x13, 0x99, 0x0a]);
    const started = Date.now();
    for (let i = 0; i < 200; i++) await pty.write(garbage);
    await pty.write('$GPTXT,after the garbage\r\n');
    t.true(await until(() => serial.stats.errors.garbage === 200 && lines.length === 1, 30_000), `200 garbage lines counted (${serial.stats.errors.garbage})`);
    const warnings = () => records.filter((r) => r.level >= 40);
    const logged = () => warnings().reduce((n, r) => n + (r.kind === 'garbage' ? 1 : (r.dropped?.garbage ?? 0)), 0);
    t.true(await until(() => logged() === 200, 30_000), `every garbage line is in a warning or a summary (${logged()})`);
    // One warning at once, then at most one summary per 2 s interval (the writes may span several on a busy machine).
    const seconds = (Date.now() - started) / 1000;
    t.true(warnings().length <= 2 + Math.ceil(seconds / 2), `${warnings().length} warnings for 200 garbage lines in ${seconds} s`);
    t.true(warnings().length < 20);
    t.regex(warnings().find((r) => r.dropped)!.msg, /bad lines dropped in the last 2 s/);
    t.deepEqual(lines, ['$GPTXT,after the garbage']);
  } finally {
    await serial.stop();
    await pty.close();
  }
});
