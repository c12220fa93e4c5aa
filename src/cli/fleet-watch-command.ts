/**
 * `casecam fleet watch`: the live terminal board. With `--data DIR` it also keeps what it
 * sees (device history, alarms, cases) in the fleet's own LevelDB, for `fleet alarms`,
 * `fleet cases` and `fleet export`.
 */
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { FleetFeed } from '../fleet/fleet-feed.js';
import { boardRows, boardSummary, type BoardFilter } from '../fleet/board-rows.js';
import { renderBoard } from '../fleet/board-table.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { FleetHistory } from '../fleet/fleet-history.js';
import { seconds, waitForSignal } from './fleet-cli-util.js';

export const fleetWatchCommand: Command = {
  name: 'watch',
  summary: 'live board of every device seen on the broker',
  help: `usage: casecam fleet watch --broker URL [options]

Subscribes to casecam/+/status|state|inventory|health|events (read-only) and shows one
row per device, problems first (offline, alarms, channels down, disk, outbox, GPS).
  --broker URL        MQTT broker (mqtt://, mqtts://, ws://)
  --username U --password P
  --unit U            only devices of this unit
  --kind K            only devices of this kind (vehicle, counter, body-worn, collector, server)
  --problems          only devices with a problem
  --once              print one snapshot after the retained messages arrived, then exit
  --json              with --once: the snapshot as JSON (for scripts)
  --interval S        redraw every S seconds (default 1)
  --rows N            show at most N rows (default: all)
  --data DIR          also keep history, alarms and cases in the fleet database at DIR
  --root R            topic root (default casecam)`,
  async run(argv) {
    const { values } = parse(argv, {
      broker: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      unit: { type: 'string' },
      kind: { type: 'string' },
      problems: { type: 'boolean' },
      once: { type: 'boolean' },
      json: { type: 'boolean' },
      interval: { type: 'string' },
      rows: { type: 'string' },
      data: { type: 'string' },
      root: { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const broker = required(values.broker, '--broker');
    const intervalMs = seconds(values.interval, '--interval', 1) * 1000;
    const maxRows = values.rows === undefined ? undefined : seconds(values.rows, '--rows', 0);
    const filter: BoardFilter = { unit: values.unit, kind: values.kind, problems: values.problems };
    const log = createLogger({ level: process.env.CASECAM_LOG_LEVEL ?? 'warn' });
    const store = values.data ? await FleetStore.open(values.data, log) : undefined;
    const history = store ? new FleetHistory(store, log) : undefined;
    await history?.start();
    const feed = new FleetFeed({ broker, root: values.root, username: values.username, password: values.password, clock: systemClock, log, onApplied: (r) => history?.record(r.facts) });
    try {
      await feed.start();
      await feed.ready();
      // What the fleet store remembers says since when a retained status holds.
      for (const d of store ? await store.devices.values() : []) {
        if (d.statusSince !== null && d.status !== 'unknown') feed.model.restoreSince(d.deviceId, d.status, d.statusSince);
      }
      const snapshot = () => boardRows(feed.model, Date.now(), filter);
      if (values.once) {
        const rows = snapshot();
        if (values.json) console.log(JSON.stringify({ at: Date.now(), summary: boardSummary(rows), devices: rows }));
        else console.log(renderBoard(rows, Date.now(), { maxRows }));
        return 0;
      }
      const tty = process.stdout.isTTY === true;
      const draw = () => {
        const text = renderBoard(snapshot(), Date.now(), { color: tty, maxRows });
        process.stdout.write(tty ? `\u001b[H\u001b[2J${text}\n` : `${text}\n`);
      };
      draw();
      const timer = setInterval(draw, intervalMs);
      await waitForSignal();
      clearInterval(timer);
      return 0;
    } finally {
      await feed.stop();
      await history?.stop();
      await store?.close();
    }
  },
};
