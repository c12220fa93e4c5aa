/**
 * Field hardware figures: NMEA parsing rate (pure), serial line latency over a real
 * socat pseudo-terminal (write → delivered line), and scan-to-case latency (a scanned
 * code over the pty → case opened in real case sessions on LevelDB).
 */
import { performance } from 'node:perf_hooks';
import { NmeaGpsState } from '../src/hw/nmea-gps-state.js';
import { SerialLine } from '../src/hw/serial-line.js';
import { ScannerSource } from '../src/hw/scanner-source.js';
import { TriggerActions } from '../src/hw/trigger-actions.js';
import { silentLogger } from '../src/core/logger.js';
import { epochSentences } from '../simulator/nmea-encode.js';
import { PtyPair, sleep } from '../simulator/pty-pair.js';
import { realSessions } from '../test/hw/helpers/sessions.js';

function percentiles(ms: number[]): { median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
  return { median: at(0.5), p95: at(0.95), max: at(1) };
}

async function nmeaRate() {
  const lines = epochSentences({ at: Date.now(), lat: 32.05, lon: 118.78, speedKmh: 40, course: 45 }, 'GN');
  const state = new NmeaGpsState();
  const n = 40_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) state.feed(lines[i % lines.length]!, i);
  const s = (performance.now() - t0) / 1000;
  return { sentences: n, sentencesPerSecond: Math.round(n / s), badChecksum: state.counters.badChecksum };
}

async function serialLatency() {
  const pty = await PtyPair.create();
  const sent = new Map<string, number>();
  const ms: number[] = [];
  const line = new SerialLine({ name: 'bench', path: pty.device, baudRate: 9600, log: silentLogger(), onLine: (l) => ms.push(performance.now() - sent.get(l)!) });
  line.start();
  while (!line.stats.connected) await sleep(10);
  for (let i = 0; i < 50; i++) {
    const text = `LINE-${i}`;
    sent.set(text, performance.now());
    await pty.write(`${text}\r\n`);
    await sleep(20);
  }
  await sleep(100);
  await line.stop();
  await pty.close();
  return { lines: ms.length, latencyMs: percentiles(ms) };
}

async function scanToCase() {
  const pty = await PtyPair.create();
  const s = await realSessions();
  let pending: { resolve: () => void; t0: number } | undefined;
  const ms: number[] = [];
  const scanner = new ScannerSource({
    path: pty.device,
    baudRate: 9600,
    log: s.log,
    actions: new TriggerActions(s.sessions, s.log),
    onOutcome: () => {
      if (pending) ms.push(performance.now() - pending.t0);
      pending?.resolve();
    },
  });
  scanner.start();
  while (!scanner.line.stats.connected) await sleep(10);
  for (let i = 0; i < 20; i++) {
    for (const code of [`APP-${i}`, `DOC-${i}`]) {
      await new Promise<void>((resolve) => {
        pending = { resolve, t0: performance.now() };
        void pty.write(`${code}\r\n`);
      });
    }
  }
  await scanner.stop();
  await pty.close();
  await s.close();
  return { scans: ms.length, scanToOutcomeMs: percentiles(ms) };
}

export default async function fieldHardware() {
  return { nmea: await nmeaRate(), serialLine: await serialLatency(), scanner: await scanToCase() };
}
