/**
 * A private key file must be readable by its owner only. The service refuses to start
 * with one that is not (group or others may read it): the key may already have been
 * copied, so quietly narrowing the mode would hide that. The fix is a person's call:
 * `chmod 600 FILE`, and re-key if the exposure matters.
 */
import { stat } from 'node:fs/promises';
import { CasecamError } from './errors.js';

export async function requirePrivateFile(file: string, what: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch (err) {
    throw new CasecamError('bad-config', `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (mode & 0o077) {
    throw new CasecamError('bad-config', `${what} ${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${file}; the service does not start with an exposed private key`);
  }
}
