/**
 * `casecam registry broker`: what a mosquitto needs to serve the fleet, in one
 * directory: the CA, a server certificate for the broker's host names, the CRL, the
 * pattern ACL and casecam.conf (provisioning/mosquitto/casecam.conf with this
 * directory's paths).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { issueCertificate } from './openssl-ca.js';
import { writeAtomic, type RegistryStore } from './registry-store.js';
import { refreshCrl } from './crl.js';

const SHIPPED = (n: string) => new URL(`../../../provisioning/mosquitto/${n}`, import.meta.url);

export async function writeBrokerFiles(store: RegistryStore, o: { hosts: string[]; outDir: string; port: number; days: number; now: Date }): Promise<string> {
  await mkdir(o.outDir, { recursive: true, mode: 0o750 });
  const out = (n: string) => path.join(o.outDir, n);
  const issued = await issueCertificate({ cert: store.caCert, key: store.caKey }, { commonName: o.hosts[0]!, kind: 'server', notBefore: o.now, days: o.days, hosts: o.hosts });
  await writeAtomic(out('server.crt'), issued.certPem, 0o644);
  await writeAtomic(out('server.key'), issued.keyPem, 0o600);
  await writeAtomic(out('ca.pem'), await readFile(store.caCert), 0o644);
  await refreshCrl(store);
  await writeAtomic(out('crl.pem'), await readFile(store.crl), 0o644);
  await writeAtomic(out('acl.conf'), await readFile(SHIPPED('acl.conf')), 0o644);
  const conf = (await readFile(SHIPPED('casecam.conf'), 'utf8'))
    .replaceAll('/etc/mosquitto/casecam/', o.outDir.replace(/\/?$/, '/'))
    .replace(/^listener 8883$/m, `listener ${o.port}`);
  await writeAtomic(out('casecam.conf'), conf, 0o644);
  return out('casecam.conf');
}
