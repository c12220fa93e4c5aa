/** `casecam simulate fleet`: N lightweight simulated devices on one broker (see src/fleet/sim/). */
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { FleetSimulator } from '../fleet/sim/fleet-simulator.js';
import { seconds, waitForSignal } from './fleet-cli-util.js';

export const simulateFleetCommand: Command = {
  name: 'fleet',
  summary: 'N simulated devices speaking the MQTT contract',
  help: `usage: casecam simulate fleet --devices N --broker URL [options]

Connects N simulated devices (each its own MQTT connection and last will; no GStreamer):
retained status/state/inventory, health on its period, cases opening and closing, markers,
gaps, alarms raised and cleared, occasional dropped connections. Runs until SIGINT/SIGTERM
(or --duration), then stops every device cleanly (offline, retained).
  --seed S            same seed, same fleet and behaviour (default 1)
  --health-seconds S  health period (default 60)
  --activity A        mixed (default), idle (health only) or recording (every device in a case)
  --rate X            multiply the chance of cases, alarms and disconnects (default 1)
  --duration S        stop after S seconds
  --root R            topic root (default casecam)`,
  async run(argv) {
    const { values } = parse(argv, {
      devices: { type: 'string' },
      broker: { type: 'string' },
      seed: { type: 'string' },
      'health-seconds': { type: 'string' },
      activity: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      root: { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const devices = seconds(required(values.devices, '--devices'), '--devices', 0);
    if (!Number.isInteger(devices) || devices < 1 || devices > 20_000) throw new CasecamError('usage', '--devices must be a whole number from 1 to 20000');
    const activity = values.activity ?? 'mixed';
    if (activity !== 'mixed' && activity !== 'idle' && activity !== 'recording') throw new CasecamError('usage', `--activity must be mixed, idle or recording, got "${activity}"`);
    const broker = required(values.broker, '--broker');
    const sim = new FleetSimulator({
      broker,
      devices,
      seed: seconds(values.seed, '--seed', 1),
      healthSeconds: seconds(values['health-seconds'], '--health-seconds', 60) || 60,
      activity,
      rate: seconds(values.rate, '--rate', 1),
      root: values.root,
    });
    try {
      await sim.start();
    } catch (err) {
      await sim.stop();
      throw new Error(`cannot connect the simulated devices to ${broker}: ${errorMessage(err)}`, { cause: err });
    }
    console.log(`${devices} simulated device(s) connected to ${broker}`);
    const duration = values.duration === undefined ? undefined : seconds(values.duration, '--duration', 0) * 1000;
    await (duration === undefined ? waitForSignal() : Promise.race([waitForSignal(), new Promise((r) => setTimeout(r, duration))]));
    await sim.stop();
    console.log(`stopped; ${sim.published()} message(s) published`);
    return 0;
  },
};
