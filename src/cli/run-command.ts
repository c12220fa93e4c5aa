import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { loadConfigFile } from '../config/load.js';
import { simulatedCounterConfig } from '../config/simulated.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { buildService, type Service } from '../service/build-service.js';
import { withSerialDevices } from '../hw/serial-flags.js';
import { urlForLog } from '../config/secrets.js';
import { boundStartAfterSignal } from './start-grace.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the recorder service',
  help: `usage: casecam run [--config FILE] [--simulate] [--data DIR] [--device-id ID] [--broker URL] [--gps PATH[:BAUD]] [--scanner PATH[:BAUD]]

Runs the recorder service until SIGINT/SIGTERM, which seals whatever is open.
  --config FILE     JSON configuration (see docs/configuration.md)
  --simulate        without --config: a simulated counter box (test sources)
  --data DIR        data directory (overrides paths.dataDir; default .data/sim with --simulate)
  --device-id ID    device ID (overrides deviceId)
  --broker URL      MQTT broker, mqtt://host:port or mqtts://host:port (overrides mqtt.url);
                    without one, an embedded broker on 127.0.0.1 (see docs/mqtt.md)
  --gps PATH[:BAUD]      NMEA GPS receiver (overrides serial.gps; baud 9600 by default)
  --scanner PATH[:BAUD]  serial barcode scanner (overrides serial.scanner; baud 9600 by default)`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string' },
      simulate: { type: 'boolean' },
      data: { type: 'string' },
      'device-id': { type: 'string' },
      broker: { type: 'string' },
      gps: { type: 'string' },
      scanner: { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    let config: Config;
    if (values.config) config = await loadConfigFile(values.config);
    else if (values.simulate) config = simulatedCounterConfig({ dataDir: values.data ?? '.data/sim', deviceId: values['device-id'] });
    else throw new CasecamError('usage', 'give --config FILE, or --simulate for a simulated counter box');
    if (values.data) config = { ...config, paths: { ...config.paths, dataDir: values.data } };
    if (values['device-id']) {
      // The same rule as in a config file: the ID goes into MQTT topics and generated case IDs.
      const id = ConfigSchema.shape.deviceId.safeParse(values['device-id']);
      if (!id.success) throw new CasecamError('usage', `--device-id: ${id.error.issues[0]!.message}, got "${values['device-id']}"`);
      config = { ...config, deviceId: id.data };
    }
    config = withSerialDevices(config, { gps: values.gps, scanner: values.scanner });

    if (values.broker !== undefined && !/^mqtts?:\/\/[^\s/]+/.test(values.broker)) {
      throw new CasecamError('usage', `--broker must be an mqtt:// or mqtts:// URL, got "${urlForLog(values.broker)}"`);
    }
    const log = createLogger({ name: 'casecam' });
    // Signals are taken from before the start: a stop asked for while the service is still
    // starting (systemd stopping a starting unit) waits for the start, then stops cleanly;
    // a start that hangs is ended after a bound (start-grace.ts).
    let signalled: string | undefined;
    let wake: (() => void) | undefined;
    let starting = true;
    let disarm = () => {};
    const onSignal = (sig: string) => {
      if (signalled) return;
      signalled = sig;
      if (starting) disarm = boundStartAfterSignal(log, sig);
      wake?.();
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    let service: Service;
    try {
      // A failed build closes what it opened; a failed start stops what had started (core/lifecycle.ts).
      service = await buildService(config, {
        log,
        simulate: values.simulate === true,
        interactive: process.stdin.isTTY === true,
        uplink: { brokerUrl: values.broker },
      });
      await service.start();
    } finally {
      starting = false;
      disarm();
    }
    if (!signalled) await new Promise<void>((resolve) => (wake = resolve));
    log.info({ signal: signalled }, 'stopping');
    await service.stop().catch((err: unknown) => log.error({ err }, 'error while stopping'));
    return 0;
  },
};
