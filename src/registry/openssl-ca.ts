/**
 * The fleet CA, done with the openssl command line (Debian's openssl 3), so what the
 * registry does can be repeated and checked by hand with the same tool.
 *
 * Certificates are issued with `openssl ca` in a throw-away work directory (its
 * index and serial files are scratch): the registry's device documents are the one
 * record of what was issued and revoked, and the CRL is generated from them.
 * Keys are EC P-256 (what mosquitto and every MQTT client handle).
 *
 * Invariant: ca.key and every private key written here are mode 0600.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CasecamError } from '../core/errors.js';
import { sha256Hex } from '../evidence/journal-hash.js';

const execFileP = promisify(execFile);

async function openssl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await execFileP('openssl', args, { env: { ...process.env, ...env }, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; code?: string; message: string };
    if (e.code === 'ENOENT') throw new CasecamError('usage', 'openssl is not installed (apt-get install openssl)');
    const why = (e.stderr ?? e.message).trim().split('\n').filter(Boolean).slice(-1)[0] ?? e.message;
    throw new CasecamError('storage', `openssl ${args[0]} failed: ${why}`);
  }
}

export interface CaFiles {
  cert: string;
  key: string;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}

export function certFingerprint(pem: string | Buffer): string {
  return sha256Hex(new X509Certificate(pem).raw);
}

export async function createCa(ca: CaFiles, name: string, days: number): Promise<void> {
  await mkdir(path.dirname(ca.key), { recursive: true, mode: 0o700 });
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', ca.key, '-out', ca.cert, '-days', String(days), '-subj', `/CN=${subjectValue(name)}`, '-utf8', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await chmod(ca.key, 0o600);
}

/** openssl's subject syntax treats "/" and "=" as separators: escape them. */
function subjectValue(v: string): string {
  return v.replace(/[\\/=+,]/g, (c) => `\\${c}`);
}

/** YYYYMMDDHHMMSSZ, as `openssl ca -startdate/-enddate` want it. */
function caDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

/** YYMMDDHHMMSSZ, as an openssl index file wants it. */
function indexDate(d: Date): string {
  return caDate(d).slice(2);
}

const CA_CONF = `[ ca ]
default_ca = fleet
[ fleet ]
dir = $ENV::WORK
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
certificate = $ENV::CA_CERT
private_key = $ENV::CA_KEY
default_md = sha256
default_crl_days = $ENV::CRL_DAYS
policy = any_cn
unique_subject = no
copy_extensions = none
[ any_cn ]
commonName = supplied
organizationalUnitName = optional
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
`;

async function withWork<T>(ca: CaFiles, fn: (work: string, env: NodeJS.ProcessEnv, conf: string) => Promise<T>, crlDays = 30): Promise<T> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'casecam-ca-'));
  try {
    const conf = path.join(work, 'ca.cnf');
    await writeFile(conf, CA_CONF);
    await writeFile(path.join(work, 'index.txt'), '');
    const env = { WORK: work, CA_CERT: ca.cert, CA_KEY: ca.key, CRL_DAYS: String(crlDays), SAN: 'DNS:localhost' };
    return await fn(work, env, conf);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Issue a certificate with a new key. `commonName` is the MQTT identity (a device ID, or
 * a role); `hosts` (server only) become subjectAltNames. Validity from `notBefore`.
 */
export async function issueCertificate(
  ca: CaFiles,
  opts: { commonName: string; unit?: string; kind: 'client' | 'server'; notBefore: Date; days: number; hosts?: string[] },
): Promise<Issued> {
  return withWork(ca, async (work, env, conf) => {
    const f = (n: string) => path.join(work, n);
    const serial = randomBytes(16);
    serial[0] = serial[0]! & 0x7f; // positive, and never a leading zero byte dropped
    serial[0] = serial[0]! | 0x10;
    const serialHex = serial.toString('hex').toUpperCase();
    await writeFile(f('serial'), serialHex + '\n');
    const subj = `/CN=${subjectValue(opts.commonName)}` + (opts.unit ? `/OU=${subjectValue(opts.unit)}` : '');
    await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('key.pem'), '-out', f('req.csr'), '-subj', subj, '-utf8']);
    const hosts = opts.hosts ?? [];
    const san = hosts.map((h) => (/^[0-9.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',') || 'DNS:localhost';
    const end = new Date(opts.notBefore.getTime() + opts.days * 86_400_000);
    await openssl(
      ['ca', '-batch', '-config', conf, '-notext', '-utf8', '-in', f('req.csr'), '-out', f('cert.pem'), '-extensions', opts.kind, '-startdate', caDate(opts.notBefore), '-enddate', caDate(end)],
      { ...env, SAN: san },
    );
    const certPem = await readFile(f('cert.pem'), 'utf8');
    const x = new X509Certificate(certPem);
    return {
      certPem,
      keyPem: await readFile(f('key.pem'), 'utf8'),
      serial: x.serialNumber.toUpperCase(),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
    };
  });
}

export interface RevokedCert {
  serial: string;
  notAfter: string;
  revokedAt: string;
  reason?: string;
  commonName: string;
}

const CRL_REASONS = new Set(['unspecified', 'keyCompromise', 'CACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold']);

/** A CRL listing exactly `revoked`, signed by the CA, valid for `days`. */
export async function generateCrl(ca: CaFiles, revoked: RevokedCert[], days: number): Promise<string> {
  return withWork(
    ca,
    async (work, env, conf) => {
      const lines = revoked.map((r) => {
        const reason = r.reason && CRL_REASONS.has(r.reason) ? `,${r.reason}` : '';
        return ['R', indexDate(new Date(r.notAfter)), indexDate(new Date(r.revokedAt)) + reason, r.serial, 'unknown', `/CN=${subjectValue(r.commonName)}`].join('\t');
      });
      await writeFile(path.join(work, 'index.txt'), lines.map((l) => l + '\n').join(''));
      const out = path.join(work, 'crl.pem');
      await openssl(['ca', '-batch', '-config', conf, '-gencrl', '-out', out], env);
      return readFile(out, 'utf8');
    },
    days,
  );
}
