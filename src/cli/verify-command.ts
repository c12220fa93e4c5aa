import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { verifyBundle } from '../export/bundle-verify.js';
import { openRegistry } from '../registry/registry-init.js';
import { pinForBundle } from '../registry/bundle-pin.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a case bundle; exit 0 when intact',
  help: `usage: casecam verify BUNDLE [--key TRUSTED.pem | --registry DIR] [--json]

Checks a case bundle: the Ed25519 signatures over manifest.json and SHA256SUMS, that
SHA256SUMS matches the manifest, every listed file's size and SHA-256, that no file
was added, removed, swapped or reordered, and the journal entries the manifest carries.
  --key TRUSTED.pem  the device's public key as registered at provisioning: a bundle
                     signed by any other key is rejected. Without it the bundle's own
                     key is used, which proves nothing by itself: the result says the
                     key is not pinned and prints its fingerprint.
  --registry DIR     pin the key the fleet registry accepted for the bundle's device
                     (docs/provisioning.md); a key not registered for that device, or
                     revoked before the case opened, is refused. A key revoked after the
                     case opened passes with a note.
  --json             print the result as JSON on stdout
Exit 0 when intact, 1 when not (each reason on stderr), 2 on a usage error.`,
  async run(argv) {
    const { values, positionals } = parse(argv, { key: { type: 'string' }, registry: { type: 'string' }, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.length !== 1) throw new CasecamError('usage', 'expected one BUNDLE directory');
    if (values.key !== undefined && values.registry !== undefined) throw new CasecamError('usage', 'give --key or --registry, not both');
    let trustedKeyPem: Buffer | string | undefined;
    const notes: string[] = [];
    if (values.registry !== undefined) {
      const pin = await pinForBundle(await openRegistry(values.registry), path.resolve(positionals[0]!));
      if (!pin.ok) {
        if (values.json) console.log(JSON.stringify({ ok: false, pinned: false, problems: [pin.reason] }));
        console.error(`casecam verify: ${pin.reason}`);
        console.error('casecam verify: NOT trusted (the registry does not vouch for the key)');
        return 1;
      }
      trustedKeyPem = pin.publicKeyPem;
      notes.push(...pin.notes);
    }
    if (values.key !== undefined) {
      trustedKeyPem = await readFile(values.key).catch((err: unknown) => {
        throw new CasecamError('usage', `cannot read --key ${values.key}: ${errorMessage(err)}`);
      });
    }
    const r = await verifyBundle(path.resolve(positionals[0]!), { trustedKeyPem });
    if (values.json) console.log(JSON.stringify({ ...r, notes }));
    if (!r.ok) {
      for (const p of r.problems) console.error(`casecam verify: ${p}`);
      console.error(`casecam verify: NOT intact (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})`);
      return 1;
    }
    if (!values.json) {
      const files = `${r.segments} segments on ${r.channels.join(', ') || 'no channel'}, ${r.continuous} continuous file${r.continuous === 1 ? '' : 's'}`;
      console.log(`intact: case ${r.caseId} from device ${r.deviceId}: ${files}`);
      console.log(r.category !== undefined ? `category: ${r.category}` : 'category: not named (a bundle made before the manifest carried it)');
      console.log(
        r.pinned
          ? `key pinned: signed by the trusted key, fingerprint ${r.fingerprint}`
          : `key NOT pinned: signed by the key inside the bundle, fingerprint ${r.fingerprint}; that proves nothing by itself: pass --key with the device's registered key`,
      );
      for (const n of notes) console.log(`note: ${n}`);
    }
    return 0;
  },
};
