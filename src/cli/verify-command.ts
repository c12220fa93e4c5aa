import path from 'node:path';
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { checkBundleMedia } from '../export/bundle-check.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a case bundle; exit 0 when intact',
  help: `usage: casecam verify BUNDLE

Checks that every media file listed in BUNDLE/manifest.json is present with its size
and SHA-256, and that no unlisted file was added.`,
  async run(argv) {
    const { values, positionals } = parse(argv, {}, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.length !== 1) throw new CasecamError('usage', 'expected one BUNDLE directory');
    const result = await checkBundleMedia(path.resolve(positionals[0]!));
    if (!result.ok) {
      console.error(`casecam verify: NOT intact: ${result.problems.join('; ')}`);
      return 1;
    }
    console.log(`intact: ${result.segments} segments`);
    return 0;
  },
};
