/**
 * `casecam simulate counter|patrol`: drives a running service through a scripted
 * scenario over its MQTT `cmd` topic; for a patrol it also replays an NMEA track into
 * a pseudo-terminal that the service reads as its GPS (`casecam run --gps LINK`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialsPath, readBrokerCredentials } from '../broker/broker-credentials.js';
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { MqttCommander } from '../../simulator/mqtt-commander.js';
import { runScenario, type ScenarioReport } from '../../simulator/run-scenario.js';
import { counterDay, patrolStop } from '../../simulator/scenarios.js';
import { NmeaReplay } from '../../simulator/nmea-replay.js';
import { simulateFleetCommand } from './simulate-fleet-command.js';

const DEFAULT_NMEA = fileURLToPath(new URL('../../../simulator/nmea/patrol-nanjing.nmea', import.meta.url));

function int(value: string | undefined, flag: string, def: number, min = 0): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CasecamError('usage', `${flag} must be a whole number ≥ ${min}`);
  return n;
}

/** The broker URL with the embedded broker's login from DIR in it (when DIR is given). */
async function withLogin(url: string, dataDir: string | undefined): Promise<string> {
  if (dataDir === undefined) return url;
  const creds = await readBrokerCredentials(credentialsPath(path.resolve(dataDir)));
  if (!creds) throw new CasecamError('usage', `no embedded broker credentials in ${dataDir}`);
  const u = new URL(url);
  u.username = encodeURIComponent(creds.username);
  u.password = encodeURIComponent(creds.password);
  return u.toString();
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'drive a running service through a counter day or a patrol; simulate a fleet',
  help: `usage: casecam simulate counter|patrol [options]
       casecam simulate fleet --devices N --broker URL [--seed S]  (see casecam simulate fleet --help)

Sends the scenario's commands to a running casecam over MQTT (topic casecam/<id>/cmd)
and waits for each reply; exits 0 when every step was accepted.
  --broker URL          MQTT broker of the service (default mqtt://127.0.0.1:1883)
  --data DIR            the service's data directory: log in to its embedded broker
                        with the credentials kept there (casecam broker credentials)
  --device-id ID        the service's device ID (default SIM-COUNTER-01)
  --step-ms MS          pause between steps (default 2000)
  --timeout-ms MS       wait this long for each reply (default 10000)
  --json                print the report as JSON
counter:
  --applications N      applications in the day (default 20)
  --gap-ms MS           pause between two applications (default 5000)
  --day STAMP           stamp in case and document numbers (default today, YYYYMMDD)
patrol:
  --case-id ID          the investigation's case ID (default PATROL-<time>)
  --gps-link PATH       replay NMEA into a pseudo-terminal appearing at PATH; start the
                        service with --gps PATH (default /tmp/casecam-gps)
  --nmea FILE           NMEA file to replay (default simulator/nmea/patrol-nanjing.nmea)
  --nmea-interval-ms MS one NMEA epoch every MS (default 1000)
  --lead-ms MS          GPS replay before the first command (default 3000)`,
  async run(argv) {
    if (argv[0] === 'fleet') return simulateFleetCommand.run(argv.slice(1));
    const { values, positionals } = parse(
      argv,
      {
        broker: { type: 'string' },
        data: { type: 'string' },
        'device-id': { type: 'string' },
        'step-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        applications: { type: 'string' },
        'gap-ms': { type: 'string' },
        day: { type: 'string' },
        'case-id': { type: 'string' },
        'gps-link': { type: 'string' },
        nmea: { type: 'string' },
        'nmea-interval-ms': { type: 'string' },
        'lead-ms': { type: 'string' },
      },
      { positionals: true },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const scenario = positionals[0];
    if (scenario !== 'counter' && scenario !== 'patrol') throw new CasecamError('usage', 'give a scenario: counter or patrol');
    if (positionals.length > 1) throw new CasecamError('usage', `unexpected argument "${positionals[1]}"`);
    const stepMs = int(values['step-ms'], '--step-ms', 2000);
    const commander = new MqttCommander({
      broker: await withLogin(values.broker ?? 'mqtt://127.0.0.1:1883', values.data),
      deviceId: values['device-id'] ?? 'SIM-COUNTER-01',
      timeoutMs: int(values['timeout-ms'], '--timeout-ms', 10_000, 1),
    });
    const say = (line: string) => {
      if (!values.json) console.log(line);
    };
    let replay: NmeaReplay | undefined;
    let report: ScenarioReport & { gpsEpochs?: number };
    try {
      await commander.connect().catch((err: unknown) => {
        throw new Error(`cannot reach the broker ${values.broker ?? 'mqtt://127.0.0.1:1883'}: ${errorMessage(err)}`);
      });
      const onStep = (r: { action: string; caseId?: string; ok: boolean; error?: unknown; ms: number }) =>
        say(`${r.ok ? 'ok  ' : 'FAIL'} ${r.action}${r.caseId ? ` ${r.caseId}` : ''} (${r.ms} ms)${r.ok ? '' : `: ${JSON.stringify(r.error)}`}`);
      if (scenario === 'counter') {
        const day = values.day ?? new Date().toISOString().slice(0, 10).replace(/-/g, '');
        const steps = counterDay({ applications: int(values.applications, '--applications', 20, 1), stepMs, gapMs: int(values['gap-ms'], '--gap-ms', 5000), day });
        report = await runScenario(commander, steps, { onStep });
      } else {
        replay = new NmeaReplay({
          file: values.nmea ?? DEFAULT_NMEA,
          link: values['gps-link'] ?? '/tmp/casecam-gps',
          intervalMs: int(values['nmea-interval-ms'], '--nmea-interval-ms', 1000, 1),
          loop: true,
        });
        await replay.start();
        say(`GPS replay on ${values['gps-link'] ?? '/tmp/casecam-gps'}`);
        await new Promise((r) => setTimeout(r, int(values['lead-ms'], '--lead-ms', 3000)));
        const caseId = values['case-id'] ?? `PATROL-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
        report = { ...(await runScenario(commander, patrolStop({ stepMs, caseId }), { onStep })), gpsEpochs: replay.epochsSent };
      }
    } finally {
      await replay?.stop();
      await commander.close().catch(() => undefined);
    }
    if (values.json) console.log(JSON.stringify(report));
    else say(`${report.ok}/${report.steps} steps accepted; ${report.cases.length} case(s) served`);
    return report.failed === 0 ? 0 : 1;
  },
};
