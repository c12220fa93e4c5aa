/**
 * `casecam keys show`: on the device, the evidence key's public half and fingerprint,
 * for the installer to read off and give to `casecam registry accept`. It never makes
 * a key (the service does that at first start, and journals it) and never prints the
 * private key.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { loadConfigFile, resolvePaths } from '../config/load.js';
import { PathsSchema } from '../config/schema.js';
import { keyFingerprint, parsePublicKeyPem, PUBLIC_KEY_FILE } from '../evidence/device-key.js';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'show the device evidence key (public half and fingerprint)',
  help: `usage: casecam keys show (--config FILE | --data DIR) [--json]

Prints the device's Ed25519 evidence public key (PEM) and its fingerprint, the
SHA-256 of the key's SPKI DER, the same as
  openssl pkey -pubin -in device.pub.pem -outform DER | sha256sum
The installer reads the fingerprint off the device and gives it to
casecam registry accept DEVICE --fingerprint F. The key is made by the service at its
first start (casecam run); before that there is nothing to show.
  --config FILE  the device's config (its paths.keyDir or paths.dataDir)
  --data DIR     the data directory (keys in DIR/keys)
  --json         {deviceId?, fingerprint, publicKeyPem} on stdout`,
  async run(argv) {
    const { values, positionals } = parse(argv, { config: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'show') throw new CasecamError('usage', 'expected: casecam keys show (--config FILE | --data DIR)');
    let keyDir: string;
    let deviceId: string | undefined;
    if (values.config) {
      const config = await loadConfigFile(values.config);
      keyDir = resolvePaths(config).keyDir;
      deviceId = config.deviceId;
    } else if (values.data) {
      keyDir = resolvePaths({ paths: PathsSchema.parse({ dataDir: path.resolve(values.data) }) }).keyDir;
    } else {
      throw new CasecamError('usage', 'missing --config FILE (or --data DIR)');
    }
    const file = path.join(keyDir, PUBLIC_KEY_FILE);
    const pem = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new CasecamError('usage', `no evidence key in ${keyDir} yet: start the service once (casecam run) to make it`);
      throw new CasecamError('storage', `cannot read ${file}: ${err.message}`);
    });
    const fingerprint = keyFingerprint(parsePublicKeyPem(pem, file));
    if (values.json) console.log(JSON.stringify({ deviceId, fingerprint, publicKeyPem: pem }));
    else console.log(`${deviceId ? `device ${deviceId}\n` : ''}fingerprint ${fingerprint}\n${pem.trimEnd()}`);
    return 0;
  },
};
