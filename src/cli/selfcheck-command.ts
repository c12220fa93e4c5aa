import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { loadConfigFile, resolvePaths } from '../config/load.js';
import { simulatedCounterConfig } from '../config/simulated.js';
import type { Config } from '../config/schema.js';
import { buildService, type Service } from '../service/build-service.js';
import type { SelfCheckResult } from '../core/selfcheck-schema.js';

export const selfcheckCommand: Command = {
  name: 'selfcheck',
  summary: 'start-of-duty self-check: channels, storage, clock, GPS, broker, outbox, key',
  help: `usage: casecam selfcheck [--config FILE | --simulate] [--data DIR] [--broker URL] [--json]

Starts the service, runs the start-of-duty self-check once (docs/quality.md), prints each
item and what to do about a failed one, publishes the result (retained \`selfcheck\` topic),
and stops. Exit 0 when nothing failed, 1 otherwise.
While the service is running, send it the MQTT \`selfcheck\` command instead.
  --config FILE   JSON configuration
  --simulate      without --config: the simulated counter box
  --data DIR      data directory (overrides paths.dataDir)
  --broker URL    MQTT broker (overrides mqtt.url; without one, an embedded broker)
  --json          print the result as JSON (the selfcheck topic's payload)`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string' },
      simulate: { type: 'boolean' },
      data: { type: 'string' },
      broker: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    let config: Config;
    if (values.config) config = await loadConfigFile(values.config);
    else if (values.simulate) config = simulatedCounterConfig({ dataDir: values.data ?? '.data/sim' });
    else throw new CasecamError('usage', 'give --config FILE, or --simulate for the simulated counter box');
    if (values.data) config = { ...config, paths: { ...config.paths, dataDir: values.data } };
    if (values.broker !== undefined && !/^mqtts?:\/\/[^\s/]+/.test(values.broker)) {
      throw new CasecamError('usage', `--broker must be an mqtt:// or mqtts:// URL, got "${values.broker}"`);
    }
    config = { ...config, selfcheck: { ...config.selfcheck, atStart: true } };
    const log = values.json ? silentLogger() : createLogger({ name: 'casecam', level: 'warn' });
    let service: Service | undefined;
    let result: SelfCheckResult;
    try {
      service = await buildService(config, { log, simulate: values.simulate === true, uplink: { brokerUrl: values.broker } });
      const bus = service.bus;
      const done = new Promise<SelfCheckResult>((resolve) => bus.on('selfcheck.completed', resolve));
      await service.start();
      result = await done;
      // The retained result leaves through the outbox: give it a moment to reach the broker.
      await new Promise((r) => setTimeout(r, 300));
    } catch (err) {
      const message = errorMessage(err);
      const running = /lock/i.test(message);
      // A read-only or unwritable evidence directory stops the start itself: name it as the storage item.
      const storage = /EROFS|EACCES|EPERM|ENOSPC/.test(message) && message.includes(resolvePaths(config).evidenceDir);
      result = {
        ok: false,
        trigger: 'cli',
        startedAt: Date.now(),
        ts: Date.now(),
        items: [
          storage
            ? {
                name: 'storage',
                status: 'fail',
                detail: `the evidence directory is not writable, so the service cannot start: ${message}`,
                action: 'check the evidence disk is mounted read-write (a read-only remount means file-system errors: run fsck) and has free space',
              }
            : {
                name: 'service',
                status: 'fail',
                detail: `the service cannot start: ${message}`,
                action: running
                  ? 'the service is already running: send it the MQTT selfcheck command and read the retained selfcheck topic'
                  : 'fix what the error names (configuration, data directory, pipelines), then run the self-check again',
              },
        ],
      };
    } finally {
      await service?.stop().catch(() => undefined);
    }
    if (values.json) console.log(JSON.stringify(result));
    else {
      for (const i of result.items) {
        console.log(`${i.status.toUpperCase().padEnd(7)} ${i.name}: ${i.detail}${i.action ? `\n        → ${i.action}` : ''}`);
      }
      console.log(result.ok ? 'self-check passed' : 'self-check FAILED');
    }
    return result.ok ? 0 : 1;
  },
};
