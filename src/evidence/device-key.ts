/**
 * The device's Ed25519 identity: <keyDir>/device.key (PKCS#8 PEM, mode 0600, dir 0700)
 * and <keyDir>/device.pub.pem (SPKI PEM). Provisioning normally writes them; when it
 * made none, the first start creates them.
 *
 * Invariants: a private key file wider than 0600 is refused, not used (it may already
 * have been copied: a person decides, see core/private-file.ts); a key directory wider
 * than 0700 is narrowed and reported (nothing secret was readable through it alone); an
 * existing key is never replaced; the public file always matches the private key
 * (rewritten from it when missing, refused when different).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError, errorMessage } from '../core/errors.js';
import { fsyncPath } from '../recording/durable-files.js';
import { narrowDir } from '../recording/data-dirs.js';
import { requirePrivateFile } from '../core/private-file.js';
import { sha256Hex } from './journal-hash.js';

export const PRIVATE_KEY_FILE = 'device.key';
export const PUBLIC_KEY_FILE = 'device.pub.pem';

export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, as written to bundles. */
  publicPem: string;
  /** SHA-256 (hex) of the SPKI DER: `openssl pkey -pubin -in device.pub.pem -outform DER | sha256sum`. */
  fingerprint: string;
  /** True when this call created the key pair. */
  created: boolean;
  /** Set when the key directory was open to group or others and has been narrowed to 0700. */
  narrowedDirMode?: string;
}

export function keyFingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

/** Parse a PEM public key and insist it is Ed25519. */
export function parsePublicKeyPem(pem: string | Buffer, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new CasecamError('bad-bundle', `${what} is not a PEM public key: ${errorMessage(err)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CasecamError('bad-bundle', `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return key;
}

export function signBytes(key: DeviceKey, data: Uint8Array): Buffer {
  return sign(null, data, key.privateKey);
}

export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

async function writeNew(file: string, text: string, mode: number): Promise<void> {
  const fh = await open(file, 'wx', mode);
  try {
    await fh.writeFile(text);
    await fh.chmod(mode); // the umask may have narrowed it further; never wider
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function loadOrCreateDeviceKey(keyDir: string): Promise<DeviceKey> {
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  // A key directory open to others (e.g. made 0777 by hand) lets them swap the key files: narrow it.
  const narrowedDir = await narrowDir(keyDir);
  const privFile = path.join(keyDir, PRIVATE_KEY_FILE);
  const pubFile = path.join(keyDir, PUBLIC_KEY_FILE);
  let created = false;
  let privPem = await readFile(privFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new CasecamError('storage', `cannot read the device key ${privFile}: ${err.message}`);
  });
  if (privPem === undefined) {
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      await writeNew(privFile, pem, 0o600);
      created = true;
      privPem = pem;
    } catch (err) {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CasecamError('storage', `cannot create the device key: ${errorMessage(err)}`);
      privPem = await readFile(privFile, 'utf8');
    }
    await fsyncPath(keyDir);
  }
  await requirePrivateFile(privFile, 'the device key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privPem);
  } catch (err) {
    throw new CasecamError('storage', `the device key ${privFile} is not a PEM private key: ${errorMessage(err)}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CasecamError('storage', `the device key ${privFile} is ${privateKey.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const storedPub = await readFile(pubFile, 'utf8').catch(() => undefined);
  if (storedPub === undefined) {
    await writeNew(pubFile, publicPem, 0o644);
    await fsyncPath(keyDir);
  } else if (keyFingerprint(parsePublicKeyPem(storedPub, pubFile)) !== keyFingerprint(publicKey)) {
    throw new CasecamError('storage', `${pubFile} does not belong to the private key beside it`);
  }
  return { privateKey, publicKey, publicPem, fingerprint: keyFingerprint(publicKey), created, narrowedDirMode: narrowedDir?.was };
}
