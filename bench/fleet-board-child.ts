/**
 * The fleet tool as the fleet bench runs it, in its own process (so its CPU and RSS are
 * its own): the same FleetFeed + FleetHistory as `casecam fleet watch --data DIR`, plus
 * staleness samples: for every message carrying a publish time (`ts` of health, state and
 * events), the time from that publish to the board model having applied it.
 * IPC: 'report' → {samples…} and reset; 'stop' → flush the store and exit.
 */
import { FleetFeed } from '../src/fleet/fleet-feed.js';
import { FleetHistory } from '../src/fleet/fleet-history.js';
import { FleetStore } from '../src/fleet/fleet-store.js';
import { silentLogger } from '../src/core/logger.js';
import { systemClock } from '../src/core/clock.js';
import { boardRows } from '../src/fleet/board-rows.js';

const [broker, dataDir] = process.argv.slice(2) as [string, string];
const log = silentLogger();
const store = await FleetStore.open(dataDir, log);
const history = new FleetHistory(store, log);
await history.start();
let samples: number[] = [];
let eventSamples: number[] = [];
const feed = new FleetFeed({
  broker,
  clock: systemClock,
  log,
  onApplied: (r) => {
    history.record(r.facts);
    const now = Date.now();
    const d = r.deviceId ? feed.model.devices.get(r.deviceId) : undefined;
    if (!d) return;
    for (const f of r.facts) {
      if (f.type === 'event') eventSamples.push(now - f.event.ts);
      if (f.type === 'health') samples.push(now - f.sample.ts);
    }
  },
});
await feed.start();
// The board is redrawn every second, as `fleet watch` does, so its cost is in the figures.
const redraw = setInterval(() => boardRows(feed.model, Date.now()), 1000);
process.send!({ ready: true });

process.on('message', (msg: { cmd: string }) => {
  void (async () => {
    if (msg.cmd === 'report') {
      process.send!({ health: samples, events: eventSamples, devices: feed.model.devices.size, online: [...feed.model.devices.values()].filter((d) => d.status === 'online').length, messages: feed.messages });
      samples = [];
      eventSamples = [];
    } else if (msg.cmd === 'stop') {
      clearInterval(redraw);
      await feed.stop();
      await history.stop();
      await store.close();
      process.send!({ stopped: true, written: history.written });
      process.exit(0);
    }
  })();
});
