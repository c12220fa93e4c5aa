/**
 * `casecam broker credentials`: shows the embedded broker's login, so an operator (who
 * can read the data directory) can watch or command the device with mosquitto_sub /
 * mosquitto_pub or `casecam simulate`. Reads only the credentials file, never the
 * store, so it works while the service runs.
 */
import path from 'node:path';
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { loadConfigFile, resolvePaths } from '../config/load.js';
import { credentialsPath, readBrokerCredentials } from '../broker/broker-credentials.js';
import { dataOptions } from './data-dir.js';

export const brokerCommand: Command = {
  name: 'broker',
  summary: "show the embedded MQTT broker's login (made at the service's first start)",
  help: `usage: casecam broker credentials --data DIR [--json]

  credentials  the user name and password every client of the embedded broker needs
               (kept in DIR/embedded-broker.json, mode 0600)
  --data DIR       data directory (or --config FILE to take its paths)
  --json           print {username, password, file, url} as JSON
The password lets anyone who has it command the device: show it only to operators.`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...dataOptions, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals[0] !== 'credentials' || positionals.length > 1) throw new CasecamError('usage', 'expected "broker credentials"');
    let dataDir: string;
    let port = 1883;
    if (values.data) dataDir = path.resolve(values.data);
    else if (values.config) {
      const config = await loadConfigFile(values.config);
      dataDir = resolvePaths(config).dataDir;
      const embedded = (config.mqtt as { embeddedPort?: number } | undefined)?.embeddedPort;
      if (embedded) port = embedded;
    } else throw new CasecamError('usage', 'missing --data DIR (or --config FILE)');
    const file = credentialsPath(dataDir);
    const creds = await readBrokerCredentials(file);
    if (!creds) throw new CasecamError('storage', `no embedded broker credentials in ${dataDir} yet: the service makes them when it first starts with the embedded broker`);
    const url = `mqtt://127.0.0.1:${port}`;
    if (values.json) {
      console.log(JSON.stringify({ ...creds, file, url }));
      return 0;
    }
    console.log(
      [
        `user name  ${creds.username}`,
        `password   ${creds.password}`,
        `file       ${file}`,
        `broker     ${url} (loopback only; if that port was taken, the service logged the one it used)`,
        `e.g.       mosquitto_sub -h 127.0.0.1 -p ${port} -u ${creds.username} -P '${creds.password}' -t 'casecam/#' -v`,
      ].join('\n'),
    );
    return 0;
  },
};
