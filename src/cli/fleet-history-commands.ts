/** `casecam fleet alarms` and `casecam fleet cases`: what the fleet database kept. */
import type { Command } from './args.js';
import { parse, required } from './args.js';
import Table from 'cli-table3';
import { createLogger } from '../core/logger.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { sinceTime } from './fleet-cli-util.js';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const dur = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
};

async function withStore<T>(dir: string, fn: (s: FleetStore) => Promise<T>): Promise<T> {
  const store = await FleetStore.open(dir, createLogger({ level: 'warn' }), { mustExist: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export const fleetAlarmsCommand: Command = {
  name: 'alarms',
  summary: 'active and recent alarms with raised/cleared times',
  help: `usage: casecam fleet alarms --data DIR [--since T] [--active] [--json]

Alarms the fleet database kept (filled by casecam fleet watch/serve --data DIR).
  --since T   raised at or after T: ISO date/time or a duration back (24h, 7d; default 7d)
  --active    only alarms not cleared yet
  --json      one JSON array`,
  async run(argv) {
    const { values } = parse(argv, { data: { type: 'string' }, since: { type: 'string' }, active: { type: 'boolean' }, json: { type: 'boolean' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const since = sinceTime(values.since, '--since', Date.now() - 7 * 86_400_000);
    const rows = await withStore(required(values.data, '--data'), async (s) =>
      (await s.alarms.values()).filter((a) => (values.active ? a.clearedAt === null : a.clearedAt === null || a.raisedAt >= since)),
    );
    rows.sort((a, b) => (a.clearedAt === null ? 0 : 1) - (b.clearedAt === null ? 0 : 1) || b.raisedAt - a.raisedAt);
    if (values.json) {
      console.log(JSON.stringify(rows));
      return 0;
    }
    const t = new Table({ head: ['device', 'alarm', 'subject', 'message', 'raised', 'cleared'], style: { head: [], border: [] } });
    for (const a of rows) t.push([a.deviceId, a.kind, a.subject, a.message, iso(a.raisedAt), a.clearedAt === null ? 'ACTIVE' : iso(a.clearedAt)]);
    console.log(`${rows.filter((a) => a.clearedAt === null).length} active, ${rows.length} listed\n${t.toString()}`);
    return 0;
  },
};

export const fleetCasesCommand: Command = {
  name: 'cases',
  summary: 'cases opened/closed, durations and gaps',
  help: `usage: casecam fleet cases --data DIR [--since T] [--device ID] [--json]

Cases the fleet database kept (from the devices' case.opened / case.closed / recording.gap events).
  --since T     opened or still open at or after T: ISO date/time or 24h, 7d (default 24h)
  --device ID   only this device
  --json        one JSON array`,
  async run(argv) {
    const { values } = parse(argv, { data: { type: 'string' }, since: { type: 'string' }, device: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const since = sinceTime(values.since, '--since', Date.now() - 86_400_000);
    const rows = await withStore(required(values.data, '--data'), async (s) =>
      (await s.cases.values()).filter((c) => (c.closedAt ?? Infinity) >= since && (values.device === undefined || c.deviceId === values.device)),
    );
    rows.sort((a, b) => b.openedAt - a.openedAt);
    if (values.json) {
      console.log(JSON.stringify(rows.map((c) => ({ ...c, durationMs: c.closedAt === null ? null : c.closedAt - c.openedAt }))));
      return 0;
    }
    const t = new Table({ head: ['device', 'case', 'opened', 'closed', 'duration', 'gaps', 'officer', 'uploaded'], style: { head: [], border: [] } });
    for (const c of rows) {
      t.push([c.deviceId, c.caseId, iso(c.openedAt), c.closedAt === null ? 'OPEN' : iso(c.closedAt), c.closedAt === null ? dur(Date.now() - c.openedAt) + '…' : dur(c.closedAt - c.openedAt), c.gaps ? `${c.gaps} (${Math.round(c.gapSeconds)} s)` : '0', c.officerId ?? '', c.offloadedAt ? 'yes' : '']);
    }
    console.log(`${rows.length} case(s), ${rows.filter((c) => c.closedAt === null).length} open, ${rows.filter((c) => c.gaps > 0).length} with gaps\n${t.toString()}`);
    return 0;
  },
};
