/**
 * MQTT uplink figures against a real mosquitto on loopback:
 * - drain: events per second from a 10,000-event outbox backlog (target ≥ 5,000/s),
 *   with the count lost (target 0) and whether first deliveries kept their order;
 * - command → retained `state` showing the recording: p50 / p99 latency (target p99 ≤ 50 ms).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../src/store/store.js';
import { silentLogger } from '../src/core/logger.js';
import { Outbox } from '../src/uplink/outbox.js';
import { Connection } from '../src/uplink/connection.js';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { Mosquitto } from '../test/helpers/mosquitto.js';
import { Watcher } from '../test/helpers/mqtt-watch.js';
import { startDevice } from '../test/helpers/test-app.js';

const BACKLOG = 10_000;
const COMMANDS = 100;
const log = silentLogger();

async function drain(broker: Mosquitto): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-outbox-'));
  const store = await Store.open(dir, log);
  const outbox = new Outbox({ table: store.outbox, clock: { now: Date.now }, log, limits: { maxBytes: 1 << 30, maxAgeMs: 1e12, window: 100 } });
  await outbox.start();
  const topic = 'casecam/BENCH/events';
  for (let i = 0; i < BACKLOG; i++) {
    const payload = JSON.stringify({ id: `BENCH-${i}`, seq: i, ts: Date.now(), type: 'case.marker', caseId: 'BENCH-CASE', note: 'x'.repeat(80) });
    void outbox.enqueue({ topic, payload, qos: 1, retain: false, priority: 'critical' });
  }
  await new Promise<void>((resolve) => {
    const check = () => (outbox.depth() === BACKLOG ? resolve() : setTimeout(check, 20));
    check();
  });
  // The fleet side is a separate process (mosquitto_sub), so it does not share the device's event loop.
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-i', 'bench-fleet', '-t', topic, '-t', 'bench/probe'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seqs: number[] = [];
  let subscribed = false;
  readline.createInterface({ input: sub.stdout! }).on('line', (line) => {
    if (line === 'probe') subscribed = true;
    const m = /"seq":(\d+)/.exec(line);
    if (m) seqs.push(Number(m[1]));
  });
  // Wait (bounded) until mosquitto_sub's subscription is in place.
  const prober = await Watcher.connect(broker.url, []);
  for (let i = 0; i < 100 && !subscribed; i++) {
    prober.client.publish('bench/probe', 'probe', { qos: 0 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await prober.close();
  let t0 = 0;
  const conn = new Connection({
    url: broker.url,
    clientId: 'bench-drain',
    protocolVersion: 5,
    keepaliveSeconds: 30,
    reconnectInitialMs: 100,
    reconnectMaxMs: 1000,
    will: { topic: 'casecam/BENCH/status', payload: 'offline' },
    log,
    onConnect: (c) => {
      t0 = performance.now();
      outbox.attach((item) => c.publish(item.topic, item.payload, { qos: 1 }));
    },
    onDisconnect: () => outbox.detach(),
    onMessage: () => undefined,
  });
  conn.start();
  for (const until = Date.now() + 120_000; new Set(seqs).size < BACKLOG && Date.now() < until; ) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await outbox.drained();
  const firstSeen = seqs.filter((s, i) => seqs.indexOf(s) === i);
  const result = {
    events: BACKLOG,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(new Set(seqs).size / seconds),
    target: '>= 5000/s',
    lost: BACKLOG - new Set(seqs).size,
    duplicates: seqs.length - new Set(seqs).size,
    orderKept: firstSeen.every((s, i) => i === 0 || s > firstSeen[i - 1]!),
    outboxLeft: outbox.depth(),
  };
  await conn.stop();
  await outbox.stop();
  sub.kill();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return result;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * The fleet receives `state` in a separate process (mosquitto_sub stamping each message
 * with the wall clock), so the receiving side does not wait on the device's event loop.
 */
async function commandToState(broker: Mosquitto): Promise<Record<string, unknown>> {
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'BENCH-CMD' });
  const base = 'casecam/BENCH-CMD';
  const fleet = await Watcher.connect(broker.url, [`${base}/cmd/reply`]);
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', `${base}/state`, '-F', '%U %p'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Each line: "<unix seconds>.<nanoseconds> <payload>".
  const states: Array<{ at: number; caseIds: string[] }> = [];
  readline.createInterface({ input: sub.stdout! }).on('line', (line) => {
    const space = line.indexOf(' ');
    const at = Number(line.slice(0, space)) * 1000;
    try {
      states.push({ at, caseIds: (JSON.parse(line.slice(space + 1)) as { caseIds: string[] }).caseIds });
    } catch {
      // not a state line
    }
  });
  const wallNow = () => performance.timeOrigin + performance.now();
  const latencies: number[] = [];
  // The device runs in this process: split each latency at the moment the case opened.
  const toOpened: number[] = [];
  let openedAt = 0;
  dev.app.bus.on('case.opened', () => {
    openedAt = wallNow();
  });
  try {
    await fleet.until(() => dev.uplink.connected, 'device connected', 20_000);
    await fleet.until(() => states.length > 0, 'the retained state at mosquitto_sub', 10_000);
    for (let i = 0; i < COMMANDS; i++) {
      const caseId = `BENCH-${Date.now()}-${i}`;
      const t0 = wallNow();
      fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: `open-${caseId}`, action: 'application.accepted', caseId }), { qos: 1 });
      const seen = await fleet.until(() => states.find((st) => st.caseIds.includes(caseId)), 'state showing the case');
      latencies.push(seen.at - t0);
      toOpened.push(openedAt - t0);
      fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: `stop-${caseId}`, action: 'record.stop', caseId, reason: 'benchmark' }), { qos: 1 });
      await fleet.until(() => fleet.json<{ requestId: string }>(`${base}/cmd/reply`).some((r) => r.requestId === `stop-${caseId}`), 'stop reply');
    }
  } finally {
    sub.kill();
    await fleet.close();
    await dev.dispose();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const opened = [...toOpened].sort((a, b) => a - b);
  return {
    commands: latencies.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(2)),
    p99Ms: Number(percentile(sorted, 99).toFixed(2)),
    maxMs: Number(sorted[sorted.length - 1]!.toFixed(2)),
    target: 'p99 <= 50 ms',
    toCaseOpenedP50Ms: Number(percentile(opened, 50).toFixed(2)),
    toCaseOpenedP99Ms: Number(percentile(opened, 99).toFixed(2)),
  };
}

export default async function uplinkBench(): Promise<Record<string, unknown>> {
  const broker = await Mosquitto.start();
  try {
    return { backlogDrain: await drain(broker), commandToRetainedState: await commandToState(broker) };
  } finally {
    await broker.dispose();
  }
}

