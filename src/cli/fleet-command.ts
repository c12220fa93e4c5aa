/**
 * `casecam fleet <sub>`: the fleet manager's side. It speaks only the published MQTT
 * contract (docs/mqtt.md, docs/contract/) and keeps its own LevelDB under --data.
 */
import type { Command } from './args.js';
import { CasecamError } from '../core/errors.js';
import { fleetWatchCommand } from './fleet-watch-command.js';
import { fleetAlarmsCommand, fleetCasesCommand } from './fleet-history-commands.js';
import { fleetExportCommand } from './fleet-export-command.js';
import { fleetServeCommand } from './fleet-serve-command.js';
import { fleetLiveCommand } from './fleet-live-command.js';

const subs: Command[] = [fleetWatchCommand, fleetAlarmsCommand, fleetCasesCommand, fleetExportCommand, fleetServeCommand, fleetLiveCommand];

export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'fleet board, alarms, cases, equipment archive export, web board',
  help: ['usage: casecam fleet <command> [options]', '', ...subs.map((s) => `  ${s.name.padEnd(7)} ${s.summary}`), '', 'casecam fleet <command> --help shows its options.'].join('\n'),
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h') {
      console.log(this.help);
      return name ? 0 : 2;
    }
    const sub = subs.find((s) => s.name === name);
    if (!sub) throw new CasecamError('usage', `unknown fleet command "${name}" (try casecam fleet --help)`);
    return sub.run(rest);
  },
};
