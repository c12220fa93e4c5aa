/** `casecam fleet export`: the equipment archive and statistics as CSV or XLSX. */
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { buildArchive } from '../fleet/archive.js';
import { writeArchive } from '../fleet/archive-export.js';
import { sinceTime } from './fleet-cli-util.js';

export const fleetExportCommand: Command = {
  name: 'export',
  summary: 'equipment archive and statistics per unit and kind (CSV or XLSX)',
  help: `usage: casecam fleet export --data DIR --format csv|xlsx --out FILE [options]

Sheet 1: one row per device (ID, kind, model, serial, unit, site/plate, officer, versions,
storage, cameras, provisioned, status, last online, last offload, pending upload, open
alarms, hours recorded and faults in the period). Sheet 2: per unit and per kind (devices,
online rate, recording hours, cases, cases with gaps, upload completion, faults, devices
due for maintenance or replacement). CSV has a BOM so Excel reads Chinese; its two
sheets are separated by a blank line.
  --from T      period start: ISO date/time or a duration back (default 30d)
  --to T        period end (default now)
  --lang zh|en  headings (default zh)`,
  async run(argv) {
    const { values } = parse(argv, { data: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, lang: { type: 'string' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const format = required(values.format, '--format');
    if (format !== 'csv' && format !== 'xlsx') throw new CasecamError('usage', `--format must be csv or xlsx, got "${format}"`);
    const lang = values.lang ?? 'zh';
    if (lang !== 'zh' && lang !== 'en') throw new CasecamError('usage', `--lang must be zh or en, got "${lang}"`);
    const out = required(values.out, '--out');
    const to = sinceTime(values.to, '--to', Date.now());
    const from = sinceTime(values.from, '--from', to - 30 * 86_400_000);
    if (from >= to) throw new CasecamError('usage', '--from must be before --to');
    const store = await FleetStore.open(required(values.data, '--data'), createLogger({ level: 'warn' }), { mustExist: true });
    try {
      const archive = await buildArchive(store, from, to);
      await writeArchive(archive, format, out, lang);
      console.log(`${out}: ${archive.devices.length} device(s), ${archive.stats.length} statistics row(s)`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
