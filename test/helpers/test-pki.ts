/** A throw-away PKI made with openssl: a CA, a server certificate for 127.0.0.1 and client certificates. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  dir: string;
  ca: string;
  server: { cert: string; key: string };
  client(name: string): Promise<{ cert: string; key: string }>;
}

export async function makePki(): Promise<Pki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pki-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=casecam test CA');
  const issue = async (name: string, ext: string) => {
    await ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    await writeFile(f(`${name}.ext`), ext);
    await ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`));
    return { cert: f(`${name}.pem`), key: f(`${name}.key`) };
  };
  const server = await issue('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  return { dir, ca: f('ca.pem'), server, client: (name) => issue(name, 'extendedKeyUsage=clientAuth\n') };
}
