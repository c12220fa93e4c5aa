/**
 * Which public key the centre checks an uploaded case with. The archive does not choose:
 * it is handed a pin (the command line builds one from `--keys DIR` or `--registry DIR`),
 * so src/archive never opens the fleet registry itself and a test can hand it either.
 *
 * A pin is asked after the case is read back, with the bundle's directory: the registry's
 * pin reads the device, key fingerprint and case time from the manifest there
 * (src/registry/bundle-pin.ts). The archive checks separately that the manifest names the
 * device the event came from (verify-upload.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type PinResult = { ok: true; publicKeyPem: string | Buffer; notes: string[] } | { ok: false; reason: string };

/** The trusted key for the case in `bundleDir`, uploaded by `deviceId`. */
export type KeyPin = (bundleDir: string, deviceId: string) => Promise<PinResult>;

export async function deviceKeyPem(keysDir: string, deviceId: string): Promise<Buffer | undefined> {
  // Device IDs are letters, digits, ".", "_", "-" (config schema); never a path here either.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(deviceId)) return undefined;
  return readFile(path.join(keysDir, `${deviceId}.pub.pem`)).catch(() => undefined);
}

/** `--keys DIR`: `DIR/<deviceId>.pub.pem`, copied there by hand (before a fleet registry existed). */
export function keysDirPin(keysDir: string): KeyPin {
  return async (_bundleDir, deviceId) => {
    const key = await deviceKeyPem(keysDir, deviceId);
    return key ? { ok: true, publicKeyPem: key, notes: [] } : { ok: false, reason: `no registered key ${deviceId}.pub.pem in ${keysDir}` };
  };
}
